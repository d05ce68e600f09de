package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.h2splice.cli.CliRun;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real {@code h2splice run} processes sharing one {@code H2SPLICE_HOME}: "server" with a grpc-java app, "client"
 * alone. A grpc-java client calls the client sidecar with {@code dapr-app-id: server}; the call goes client sidecar →
 * local registry → server sidecar → app. Then {@code h2splice stop --app-id server} stops the server sidecar and its
 * app, and its registry entry is gone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TwoSidecarsEndToEndTest extends ProcessTest {

    private static final long START_TIMEOUT_S = 60;

    @Test
    void callsAnAppThroughTwoSidecarsThenStopsIt() throws Exception {
        int appPort = Processes.freePort();
        Path serverLog = home.resolve("server.log");
        Path clientLog = home.resolve("client.log");
        Process server = processes.h2splice(serverLog, "run", "--app-id", "server",
                "--app-port", Integer.toString(appPort), "--dapr-graceful-shutdown-seconds", "2", "--",
                Processes.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", Processes.classpath(),
                EchoServer.class.getName());
        Process client = processes.h2splice(clientLog, "run", "--app-id", "client", "--workers", "1");

        LocalRegistry registry = new LocalRegistry(home);
        RegistryEntry serverEntry = awaitRegistered(registry, "server", server, serverLog);
        RegistryEntry clientEntry = awaitRegistered(registry, "client", client, clientLog);
        assertEquals(server.pid(), serverEntry.pid());
        assertEquals(appPort, serverEntry.appPort());
        assertTrue(serverEntry.appPid() > 0);

        String reply = call(clientEntry.grpcPort(), "server", "hello");
        assertEquals("echo: hello (app server)", reply, () -> Processes.logs(serverLog, clientLog));
        String serverOut = Files.readString(serverLog);
        assertTrue(serverOut.contains("== APP == echo server listening on " + appPort + " as server, DAPR_GRPC_PORT="
                + serverEntry.grpcPort() + ", APP_PROTOCOL=grpc"), serverOut);

        CliRun stop = CliRun.run(home, "stop", "--app-id", "server");
        assertEquals(0, stop.code(), stop.err());
        assertTrue(server.waitFor(30, TimeUnit.SECONDS),
                () -> "server sidecar still running\n" + Processes.logs(serverLog));
        assertEquals(143, server.exitValue(),
                () -> "the app's exit code after SIGTERM\n" + Processes.logs(serverLog));
        assertEquals(List.of(), registry.find("server"));
        try (var files = Files.list(registry.directory().resolve("default"))) {
            assertEquals(List.of("client-" + client.pid() + ".properties"),
                    files.map(f -> f.getFileName().toString()).toList(), "the server's file is deleted");
        }
        ProcessHandle.of(serverEntry.appPid()).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(serverEntry.appPid()).map(ProcessHandle::isAlive).orElse(false),
                "the app is not left running");
        assertTrue(client.isAlive(), "the other sidecar keeps running");
    }

    private static String call(int port, String appId, String text) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), appId);
            byte[] reply = ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                    EchoServer.SAY, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                    text.getBytes(StandardCharsets.UTF_8));
            return new String(reply, StandardCharsets.UTF_8);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until {@code appId} is registered; fails at once, with the sidecar's output, if the process exits. */
    private static RegistryEntry awaitRegistered(LocalRegistry registry, String appId, Process p, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            List<RegistryEntry> found = registry.find(appId);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                fail("h2splice run --app-id " + appId + " exited with code " + p.exitValue()
                        + " before registering (is the Proxy engine merged?)\n" + Processes.logs(log));
            }
        }
        return fail("h2splice run --app-id " + appId + " did not register within " + START_TIMEOUT_S + " s\n"
                + Processes.logs(log));
    }
}
