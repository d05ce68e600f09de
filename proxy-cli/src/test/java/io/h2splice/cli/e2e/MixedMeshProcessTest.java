package io.h2splice.cli.e2e;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.testing.CompatTable;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One mesh of Dapr's own daprd (v1.18.1, built from Dapr's Go module by {@code proxy-bench/dapr/build.sh}) and
 * h2splice, as in a migration where one sidecar at a time is replaced: both find each other through Dapr's SQLite
 * name resolution (one Configuration, one database file), plaintext between them. The grpc-java probe client
 * ({@link ProbeClient}: the ten cases of {@code proxy-cli/src/test/lang/PROBE.md}, unary, streaming, metadata both
 * ways, status details, a deadline and a cancel the Go probe server sees, 16 MiB, an unknown app id) calls
 * <ul>
 *   <li>daprd → h2splice → app: every case passes but {@code unknown_app}, which daprd itself answers the first hop
 *       of, with its own status (UNKNOWN {@code no host found with the given ID}, its SQLite resolver's error; README,
 *       "Where h2splice differs from Dapr");</li>
 *   <li>h2splice → daprd → app: every case passes.</li>
 * </ul>
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MixedMeshProcessTest extends ProcessTest {

    /** What the probe client prints for {@code unknown_app} when daprd is the first hop. */
    static final String DAPRD_UNKNOWN_APP = "expected UNAVAILABLE 'couldn't find service: no-such-app', got 2 UNKNOWN "
            + "'no host found with the given ID'";

    @Test
    void daprdCallsAnAppBehindH2splice() throws Exception {
        Path goServer = assumeBuilt();
        Path config = Daprd.sqliteConfig(home.resolve("config.yaml"), home.resolve("names.db"));
        String appPort = Integer.toString(Processes.freePort());
        Path serverLog = home.resolve("h2splice-server.log");
        Process server = processes.h2splice(serverLog, "run", "--app-id", "probe", "--app-port", appPort,
                "--config", config.toString(), "--enable-mtls=false", "--", goServer.toString(), "--port", appPort);
        Processes.awaitRegistered(new LocalRegistry(home), "probe", server, serverLog, 60);
        int grpc = Processes.freePort();
        Path daprdLog = home.resolve("daprd-client.log");
        Daprd.start(processes, home, "client", 0, grpc, config, daprdLog);

        var run = probe(grpc);
        assertEquals(List.of("java unknown_app: FAIL " + DAPRD_UNKNOWN_APP, "java: exit 1"),
                run.failures(ProbeClient.CASES),
                () -> Processes.logs(home.resolve("java-client.log"), daprdLog, serverLog));
        CompatTable.check(new CompatTable.Row("mixed mesh, Java client → daprd " + Daprd.version() + " → h2splice → Go "
                + "server", "Java, " + run.library(), ProbeClient.CASES.size(), run.passed()
                + " (unknown_app is answered by daprd, its own way: see \"Where h2splice differs from Dapr\")"));
    }

    @Test
    void h2spliceCallsAnAppBehindDaprd() throws Exception {
        Path goServer = assumeBuilt();
        Path config = Daprd.sqliteConfig(home.resolve("config.yaml"), home.resolve("names.db"));
        int appPort = Processes.freePort();
        Path appLog = home.resolve("app.log");
        processes.start(Map.of(), appLog, List.of(goServer.toString(), "--port", Integer.toString(appPort)));
        Path daprdLog = home.resolve("daprd-server.log");
        Daprd.start(processes, home, "probe", appPort, Processes.freePort(), config, daprdLog);
        Path clientLog = home.resolve("h2splice-client.log");
        Process client = processes.h2splice(clientLog, "run", "--app-id", "client", "--config", config.toString(),
                "--enable-mtls=false");
        var entry = Processes.awaitRegistered(new LocalRegistry(home), "client", client, clientLog, 60);

        var run = probe(entry.grpcPort());
        assertEquals(List.of(), run.failures(ProbeClient.CASES),
                () -> Processes.logs(home.resolve("java-client.log"), clientLog, daprdLog, appLog));
        CompatTable.check(new CompatTable.Row("mixed mesh, Java client → h2splice → daprd " + Daprd.version() + " → Go "
                + "server", "Java, " + run.library(), ProbeClient.CASES.size(), Integer.toString(run.passed())));
    }

    private LanguageClientsProcessTest.ClientRun probe(int port) throws Exception {
        return LanguageClientsProcessTest.ClientRun.of("java", LanguageClientsProcessTest.command("java"),
                "127.0.0.1:" + port, "probe", home.resolve("java-client.log"), 120);
    }

    private static Path assumeBuilt() throws Exception {
        Path daprd = Daprd.binary();
        Path goServer = Tools.find("lang/go-server/probe-server");
        Tools.assumeBuilt(daprd == null ? null : goServer,
                "daprd (proxy-bench/dapr/build.sh) and the Go probe server (proxy-cli/src/test/lang/build.sh)",
                Daprd.REQUIRED_ENV);
        return goServer;
    }
}
