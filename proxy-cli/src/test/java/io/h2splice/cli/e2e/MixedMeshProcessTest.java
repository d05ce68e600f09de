package io.h2splice.cli.e2e;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.testing.CompatTable;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One mesh of Dapr's own daprd (v1.18.1, built from Dapr's Go module by {@code proxy-bench/dapr/build.sh}) and
 * h2splice, as in a migration where one sidecar at a time is replaced: both find each other through Dapr's SQLite
 * name resolution (one Configuration, one database file). Each test runs twice: plaintext between the sidecars, and
 * with mTLS, where daprd and h2splice both get their certificates from one Dapr Sentry ({@code --sentry-address},
 * the root in {@code DAPR_TRUST_ANCHORS}) and so share its trust domain; h2splice's metrics then show that its hop
 * to or from daprd was an mTLS handshake. The grpc-java probe client ({@link ProbeClient}: the ten cases of
 * {@code proxy-cli/src/test/lang/PROBE.md}, unary, streaming, metadata both ways, status details, a deadline and a
 * cancel the Go probe server sees, 16 MiB, an unknown app id) calls
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
    private static final Pattern HANDSHAKES = Pattern.compile("(?m)^h2splice_tls_handshakes_total (\\d+)");

    @ParameterizedTest(name = "mTLS {0}")
    @ValueSource(booleans = {false, true})
    void daprdCallsAnAppBehindH2splice(boolean mtls) throws Exception {
        Path goServer = assumeBuilt();
        Sentry sentry = mtls ? Sentry.start(processes, home, home.resolve("sentry.log")) : null;
        Path config = Daprd.sqliteConfig(home.resolve("config.yaml"), home.resolve("names.db"));
        String appPort = Integer.toString(Processes.freePort());
        int metrics = Processes.freePort();
        Path serverLog = home.resolve("h2splice-server.log");
        Process server = h2splice(sentry, serverLog, metrics, "--app-id", "probe", "--app-port", appPort,
                "--config", config.toString(), "--", goServer.toString(), "--port", appPort);
        Processes.awaitRegistered(new LocalRegistry(home), "probe", server, serverLog, 60);
        int grpc = Processes.freePort();
        Path daprdLog = home.resolve("daprd-client.log");
        Daprd.start(processes, home, "client", 0, grpc, config, sentry, daprdLog);

        var run = probe(grpc);
        assertEquals(List.of("java unknown_app: FAIL " + DAPRD_UNKNOWN_APP, "java: exit 1"),
                run.failures(ProbeClient.CASES),
                () -> Processes.logs(home.resolve("java-client.log"), daprdLog, serverLog));
        assertHop(mtls, metrics, serverLog, daprdLog);
        CompatTable.check(new CompatTable.Row("mixed mesh, Java client → daprd " + Daprd.version() + " → h2splice → Go "
                + "server" + variant(mtls), "Java, " + run.library(), ProbeClient.CASES.size(), run.passed()
                + " (unknown_app is answered by daprd, its own way: see \"Where h2splice differs from Dapr\")"));
    }

    @ParameterizedTest(name = "mTLS {0}")
    @ValueSource(booleans = {false, true})
    void h2spliceCallsAnAppBehindDaprd(boolean mtls) throws Exception {
        Path goServer = assumeBuilt();
        Sentry sentry = mtls ? Sentry.start(processes, home, home.resolve("sentry.log")) : null;
        Path config = Daprd.sqliteConfig(home.resolve("config.yaml"), home.resolve("names.db"));
        int appPort = Processes.freePort();
        Path appLog = home.resolve("app.log");
        processes.start(Map.of(), appLog, List.of(goServer.toString(), "--port", Integer.toString(appPort)));
        Path daprdLog = home.resolve("daprd-server.log");
        Daprd.start(processes, home, "probe", appPort, Processes.freePort(), config, sentry, daprdLog);
        Path clientLog = home.resolve("h2splice-client.log");
        int metrics = Processes.freePort();
        Process client = h2splice(sentry, clientLog, metrics, "--app-id", "client", "--config", config.toString());
        var entry = Processes.awaitRegistered(new LocalRegistry(home), "client", client, clientLog, 60);

        var run = probe(entry.grpcPort());
        assertEquals(List.of(), run.failures(ProbeClient.CASES),
                () -> Processes.logs(home.resolve("java-client.log"), clientLog, daprdLog, appLog));
        assertHop(mtls, metrics, clientLog, daprdLog);
        CompatTable.check(new CompatTable.Row("mixed mesh, Java client → h2splice → daprd " + Daprd.version() + " → Go "
                + "server" + variant(mtls), "Java, " + run.library(), ProbeClient.CASES.size(),
                Integer.toString(run.passed())));
    }

    /** h2splice plaintext, or with its certificate from {@code sentry}; metrics on {@code metricsPort}. */
    private Process h2splice(Sentry sentry, Path log, int metricsPort, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run", "--metrics-port", Integer.toString(metricsPort)));
        all.addAll(sentry == null ? List.of("--enable-mtls=false") : List.of("--sentry-address", sentry.address()));
        all.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(sentry == null ? Map.of() : sentry.env());
        return processes.h2splice(env, log, all.toArray(String[]::new));
    }

    /**
     * With mTLS, h2splice's certificate came from Sentry and its hop with daprd was an mTLS handshake (counted on
     * its metrics page); plaintext, none was made.
     */
    private static void assertHop(boolean mtls, int metricsPort, Path h2spliceLog, Path daprdLog) throws Exception {
        String page = Processes.metricsPage(metricsPort);
        Matcher m = HANDSHAKES.matcher(page);
        if (!mtls) {
            assertTrue(!m.find(), "plaintext: no TLS metrics expected\n" + page);
            return;
        }
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, () -> "no mTLS handshake counted\n" + page);
        String log = Processes.logs(h2spliceLog);
        assertTrue(log.contains("mTLS: identity spiffe://public/ns/default/") && log.contains("signed by Dapr's Sentry"),
                () -> log + Processes.logs(daprdLog));
    }

    private static String variant(boolean mtls) {
        return mtls ? ", mTLS from Dapr's Sentry" : "";
    }

    private LanguageClientsProcessTest.ClientRun probe(int port) throws Exception {
        return LanguageClientsProcessTest.ClientRun.of("java", LanguageClientsProcessTest.command("java"),
                "127.0.0.1:" + port, "probe", home.resolve("java-client.log"), 120);
    }

    private static Path assumeBuilt() throws Exception {
        Path daprd = Daprd.binary();
        Path goServer = Tools.find("lang/go-server/probe-server");
        Tools.assumeBuilt(daprd == null || Sentry.binary() == null ? null : goServer,
                "daprd and sentry (proxy-bench/dapr/build.sh) and the Go probe server "
                        + "(proxy-cli/src/test/lang/build.sh)", Daprd.REQUIRED_ENV);
        return goServer;
    }
}
