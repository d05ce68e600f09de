package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Dh2splice.transport} in a real sidecar: a native transport the platform refuses falls back, says why in
 * one log line and still serves calls; a name that is no transport stops the start with one error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransportFallbackProcessTest extends ProcessTest {

    @Test
    void ioUringRefusedFallsBackToWhatWorksAndSaysWhy() throws Exception {
        int appPort = Processes.freePort();
        Path log = home.resolve("run.log");
        // Netty's own switch makes every native transport unavailable, as a kernel or seccomp profile refusing
        // io_uring (and here epoll too) would.
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS",
                "-Dh2splice.transport=io_uring -Dio.netty.transport.noNative=true");
        Process p = processes.h2splice(env, log, "run", "--app-id", "server", "--app-port", Integer.toString(appPort),
                "--enable-mtls=false", "--", Processes.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp",
                Processes.classpath(), EchoServer.class.getName());
        RegistryEntry entry = Processes.awaitRegistered(new LocalRegistry(home), "server", p, log, 60);
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "server");
        assertEquals("echo: hello (app server)", EchoServer.say(entry.grpcPort(), md, "hello"),
                () -> Processes.logs(log));
        List<String> transport = Files.readAllLines(log).stream().filter(l -> l.contains("msg=\"transport: ")).toList();
        assertEquals(1, transport.size(), () -> Processes.logs(log));
        assertTrue(transport.get(0).matches(".* level=info msg=\"transport: nio, \\d+ event loop\\(s\\) \\(io_uring "
                + "unavailable: .*noNative=true; epoll unavailable: .*noNative=true\\)\" .*"), transport.get(0));
    }

    @Test
    void anUnknownTransportIsOneErrorAndExitCode1() throws Exception {
        Path log = home.resolve("run.log");
        Process p = processes.h2splice(Map.of("JAVA_TOOL_OPTIONS", "-Dh2splice.transport=kqueue"), log, "run",
                "--app-id", "nt", "--enable-mtls=false");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> Processes.logs(log));
        assertEquals(1, p.exitValue(), () -> Processes.logs(log));
        List<String> errors = Files.readAllLines(log).stream()
                .filter(l -> l.contains(" level=error ") || l.contains(" level=fatal ")).toList();
        assertEquals(1, errors.size(), () -> Processes.logs(log));
        assertTrue(errors.get(0).contains(" level=fatal msg=\"cannot start: -Dh2splice.transport=kqueue: unknown "
                + "transport; use io_uring, epoll or nio\" "), errors.get(0));
    }
}
