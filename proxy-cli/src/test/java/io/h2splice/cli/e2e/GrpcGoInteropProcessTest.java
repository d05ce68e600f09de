package io.h2splice.cli.e2e;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.CompatTable;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * grpc-go's interop suite (google.golang.org/grpc/interop/client, v1.85.0, pinned in {@code .ci/grpc-go-interop}
 * and built by {@code .ci/run}) through two real {@code h2splice run} sidecars, mTLS between them (the default),
 * against two interop servers as the app of sidecar "server": grpc-go's (same module) and grpc-java's
 * {@code TestServiceServer} (io.grpc:grpc-interop-testing 1.79.0, copied by {@code .ci/run} from
 * {@code .ci/grpc-java-interop/pom.xml}). The client calls sidecar "client" with
 * {@code --additional_metadata dapr-app-id:server}. Every case of the client that needs nothing outside the seed runs
 * and must pass; {@link #NOT_RUN} says why each other case of the client's list does not run.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GrpcGoInteropProcessTest extends ProcessTest {

    static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_INTEROP";
    private static final long CASE_TIMEOUT_S = 60;

    /** The cases run: unary, the three streaming shapes, deadlines, cancels, status, metadata, soak. */
    static final List<String> CASES = List.of("empty_unary", "large_unary", "client_streaming", "server_streaming",
            "ping_pong", "empty_stream", "timeout_on_sleeping_server", "cancel_after_begin",
            "cancel_after_first_response", "status_code_and_message", "special_status_message", "unimplemented_method",
            "unimplemented_service", "custom_metadata", "rpc_soak", "channel_soak");

    /** The client's other cases, and why they do not run here. */
    static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("client_compressed_unary", "grpc-go's client rejects it: 'Unsupported test case'"),
            Map.entry("server_compressed_unary", "grpc-go's client rejects it: 'Unsupported test case'"),
            Map.entry("client_compressed_streaming", "grpc-go's client rejects it: 'Unsupported test case'"),
            Map.entry("server_compressed_streaming", "grpc-go's client rejects it: 'Unsupported test case'"),
            Map.entry("pick_first_unary", "needs a server that reports its id (grpc-go's interop server does not)"),
            Map.entry("compute_engine_creds", "Google Cloud credentials"),
            Map.entry("service_account_creds", "Google Cloud credentials"),
            Map.entry("jwt_token_creds", "Google Cloud credentials"),
            Map.entry("per_rpc_creds", "Google Cloud credentials"),
            Map.entry("oauth2_auth_token", "Google Cloud credentials"),
            Map.entry("google_default_credentials", "Google Cloud credentials"),
            Map.entry("compute_engine_channel_credentials", "Google Cloud credentials"),
            Map.entry("orca_per_rpc", "ORCA load reports, outside the seed"),
            Map.entry("orca_oob", "ORCA load reports, outside the seed"));

    @ParameterizedTest(name = "against {0}'s interop server")
    @ValueSource(strings = {"grpc-go", "grpc-java"})
    void everyCaseOfGrpcGosInteropClientPassesThroughTwoSidecars(String serverKind) throws Exception {
        Path client = Tools.find("grpc-go-interop/client");
        Path goServer = Tools.find("grpc-go-interop/server");
        Path javaServer = Tools.find("grpc-java-interop");
        Tools.assumeBuilt(client == null || goServer == null ? null : javaServer,
                "grpc-go's interop client and server, grpc-java's interop server", REQUIRED_ENV);
        int appPort = Processes.freePort();
        List<String> app = serverKind.equals("grpc-go")
                ? List.of(goServer.toString(), "--port", Integer.toString(appPort))
                : List.of(Processes.java(), "-Xmx128m", "-XX:+UseSerialGC", "-cp", javaServer + "/*",
                        "io.grpc.testing.integration.TestServiceServer", "--port=" + appPort, "--use_tls=false");
        Path serverLog = home.resolve("server.log");
        Path clientLog = home.resolve("client.log");
        List<String> args = new ArrayList<>(List.of("run", "--app-id", "server", "--app-port",
                Integer.toString(appPort), "--"));
        args.addAll(app);
        Process serverSidecar = processes.h2splice(serverLog, args.toArray(String[]::new));
        Process clientSidecar = processes.h2splice(clientLog, "run", "--app-id", "client");
        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, "server", serverSidecar, serverLog, 60);
        RegistryEntry entry = Processes.awaitRegistered(registry, "client", clientSidecar, clientLog, 60);

        List<String> failed = new ArrayList<>();
        for (String testCase : CASES) {
            Path out = home.resolve("interop-" + testCase + ".log");
            Process p = new ProcessBuilder(client.toString(), "--server_host=127.0.0.1",
                    "--server_port=" + entry.grpcPort(), "--test_case=" + testCase,
                    "--additional_metadata=dapr-app-id:server")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(CASE_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                failed.add(testCase + ": did not finish in " + CASE_TIMEOUT_S + " s");
            } else if (p.exitValue() != 0) {
                failed.add(testCase + ": exit " + p.exitValue() + ": " + tail(out));
            }
        }
        assertEquals(List.of(), failed, () -> "grpc-go interop cases that failed against " + serverKind + "'s server\n" + Processes.logs(clientLog, serverLog));
        String server = serverKind.equals("grpc-go")
                ? "grpc-go's interop server" : "grpc-java " + grpcJavaVersion(javaServer) + "'s TestServiceServer";
        CompatTable.check(new CompatTable.Row("grpc-go interop client, " + server,
                "Go, grpc-go " + Tools.goModuleVersion(client, "google.golang.org/grpc"), CASES.size(),
                Integer.toString(CASES.size() - failed.size())));
    }

    /** The version in the name of grpc-java's interop jar, e.g. {@code 1.79.0}. */
    private static String grpcJavaVersion(Path jars) throws java.io.IOException {
        try (var files = Files.list(jars)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("grpc-interop-testing-"))
                    .map(n -> n.substring("grpc-interop-testing-".length(), n.length() - ".jar".length()))
                    .findFirst().orElseThrow(() -> new AssertionError("no grpc-interop-testing jar in " + jars));
        }
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
