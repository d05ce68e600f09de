package io.h2splice.cli.e2e;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.testing.CompatTable;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's own Go example (docs page "How-To: Invoke services using gRPC"), its two programs as the page writes them
 * ({@code proxy-cli/src/test/go/seed}, google.golang.org/grpc from the Go module proxy, built by {@code .ci/run}),
 * run with the page's two commands with {@code h2splice} for {@code dapr}, as the README shows:
 * {@code h2splice run --app-id server --app-port 50051 -- <server>} and
 * {@code h2splice run --app-id client --dapr-grpc-port 50007 -- <client>}. The sidecars speak mTLS (the default).
 * The client prints the server's greeting and exits 0, and so does its {@code h2splice run}. The ports are the page's,
 * fixed in its programs; the test fails with a clear message if either is taken.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeedGoExampleProcessTest extends ProcessTest {

    static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_SEED_GO";

    @Test
    void theSeedsGoClientGreetsItsGoServerThroughTwoSidecars() throws Exception {
        Path server = Tools.find("seed-go/server");
        Path client = Tools.find("seed-go/client");
        Tools.assumeBuilt(server == null ? null : client, "the seed's Go example (seed-go/server, seed-go/client)",
                REQUIRED_ENV);
        assertFree(50051);
        assertFree(50007);
        Path serverLog = home.resolve("server.log");
        Path clientLog = home.resolve("client.log");

        Process serverSidecar = processes.h2splice(serverLog, "run", "--app-id", "server", "--app-port", "50051",
                "--", server.toString());
        Processes.awaitRegistered(new LocalRegistry(home), "server", serverSidecar, serverLog, 60);
        Process clientSidecar = processes.h2splice(clientLog, "run", "--app-id", "client", "--dapr-grpc-port", "50007",
                "--", client.toString());

        assertTrue(clientSidecar.waitFor(60, TimeUnit.SECONDS),
                () -> "the client's h2splice run did not end\n" + Processes.logs(clientLog, serverLog));
        assertEquals(0, clientSidecar.exitValue(), () -> "the client's exit code\n" + Processes.logs(clientLog, serverLog));
        String clientOut = Files.readString(clientLog);
        assertTrue(clientOut.contains("== APP == ") && clientOut.contains("Greeting: Hello Darth Tyrannus"),
                () -> Processes.logs(clientLog, serverLog));
        assertTrue(Files.readString(serverLog).contains("Received: Darth Tyrannus"), () -> Processes.logs(serverLog));
        assertTrue(serverSidecar.isAlive(), "the server keeps serving");
        CompatTable.check(new CompatTable.Row("the seed's Go example (greeter client and server)",
                "Go, grpc-go " + Tools.goModuleVersion(client, "google.golang.org/grpc"), 1, "1"));
    }

    private static void assertFree(int port) throws IOException {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new AssertionError("port " + port + " is taken, and the seed's Go programs use it: " + e.getMessage());
        }
    }
}
