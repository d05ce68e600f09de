package io.h2splice.cli.e2e;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code h2splice run --unix-domain-socket DIR}, as daprd's flag: the client's sidecar serves its gRPC API only on
 * {@code DIR/dapr-<app id>-grpc.socket}, and the Python probe client (grpcio, target {@code unix:<path>}) runs every
 * case of {@code proxy-cli/src/test/lang/PROBE.md} over it, through to the Go probe server behind a second sidecar
 * (mTLS between them). The socket file goes when the sidecar stops.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnixSocketProcessTest extends ProcessTest {

    @Test
    void theProbeClientRunsEveryCaseOverTheApiSocket() throws Exception {
        Path client = Tools.find("lang/python/probe-client");
        Path goServer = Tools.find("lang/go-server/probe-server");
        Tools.assumeBuilt(client == null ? null : goServer, "the Python probe client and the Go probe server",
                LanguageClientsProcessTest.REQUIRED_ENV);
        Path sockets = Files.createDirectories(home.resolve("sockets"));
        Path serverLog = home.resolve("server.log");
        Path clientLog = home.resolve("client.log");
        String port = Integer.toString(Processes.freePort());
        Process serverSidecar = processes.h2splice(serverLog, "run", "--app-id", "probe", "--app-port", port, "--",
                goServer.toString(), "--port", port);
        Process clientSidecar = processes.h2splice(clientLog, "run", "--app-id", "uds", "--unix-domain-socket",
                sockets.toString());
        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, "probe", serverSidecar, serverLog, 60);
        RegistryEntry entry = Processes.awaitRegistered(registry, "uds", clientSidecar, clientLog, 60);
        Path socket = sockets.resolve("dapr-uds-grpc.socket");
        assertEquals(-1, entry.grpcPort(), "no TCP gRPC API beside the socket");
        assertTrue(Files.exists(socket), () -> Processes.logs(clientLog));
        assertTrue(Files.exists(sockets.resolve("dapr-uds-http.socket")), () -> Processes.logs(clientLog));

        var run = LanguageClientsProcessTest.ClientRun.of("python", List.of(client.toString()), "unix:" + socket,
                "probe", home.resolve("python-client.log"), 120);
        assertEquals(List.of(), run.failures(LanguageClientsProcessTest.CASES),
                () -> Processes.logs(home.resolve("python-client.log"), clientLog, serverLog));

        clientSidecar.destroy(); // SIGTERM: drains and stops
        assertTrue(clientSidecar.waitFor(30, TimeUnit.SECONDS), () -> Processes.logs(clientLog));
        assertFalse(Files.exists(socket), "the socket file is removed when the sidecar stops");
    }
}
