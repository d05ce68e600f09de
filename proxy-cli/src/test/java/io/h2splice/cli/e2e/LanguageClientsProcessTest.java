package io.h2splice.cli.e2e;

import io.grpc.internal.GrpcUtil;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.CompatTable;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client in each language of the seed page, and Rust, each on its own gRPC library from its own registry
 * ({@code proxy-cli/src/test/lang/<language>}, built by {@code lang/build.sh} from {@code .ci/run}; Java's is
 * {@link ProbeClient}, on grpc-java from the test class path), runs the ten
 * cases of {@code proxy-cli/src/test/lang/PROBE.md} through two real {@code h2splice run} sidecars, mTLS between
 * them (the default), against the probe service in Go ({@code lang/go-server}, the app of sidecar "probe" started
 * by {@code h2splice run ... -- <server>}) and in Java ({@link ProbeServer}): unary, the three streaming shapes,
 * metadata both ways (ASCII and {@code -bin}), status details in trailers, a deadline the server sees expire, a
 * client cancel the server sees, a 16 MiB message and an unknown app id. Each client checks its own cases and prints
 * one line per case; every case of every client must pass. Each client's result is a row of README's table
 * ({@link CompatTable}).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LanguageClientsProcessTest extends ProcessTest {

    static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_LANG_CLIENTS";
    private static final long CLIENT_TIMEOUT_S = 180;

    /** Directory under {@code target/tools/lang/} → the language's name in the README. */
    static final Map<String, String> LANGUAGES = languages();

    static final List<String> CASES = List.of("unary", "server_streaming", "client_streaming", "bidi", "metadata",
            "status_details", "deadline", "cancel", "large_message", "unknown_app");

    @ParameterizedTest(name = "against the {0} server")
    @ValueSource(strings = {"Go", "Java"})
    void everyClientPassesEveryCaseThroughTwoSidecarsWithMtls(String serverLanguage) throws Exception {
        Map<String, List<String>> clients = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        LANGUAGES.keySet().forEach(l -> {
            List<String> client = command(l);
            if (client == null) {
                missing.add(l);
            } else {
                clients.put(l, client);
            }
        });
        Path goServer = Tools.find("lang/go-server/probe-server");
        if (!missing.isEmpty() || goServer == null) {
            Tools.missing("probe clients " + missing + (goServer == null ? " and the Go probe server" : "")
                    + " are not built (.ci/run runs proxy-cli/src/test/lang/build.sh)", REQUIRED_ENV);
        }
        Path serverLog = home.resolve("server.log");
        Path clientLog = home.resolve("client.log");
        Process serverSidecar;
        try (ProbeServer javaServer = serverLanguage.equals("Java") ? ProbeServer.start() : null) {
            if (javaServer != null) {
                serverSidecar = processes.h2splice(serverLog, "run", "--app-id", "probe", "--app-port",
                        Integer.toString(javaServer.port()));
            } else {
                String port = Integer.toString(Processes.freePort());
                serverSidecar = processes.h2splice(serverLog, "run", "--app-id", "probe", "--app-port", port, "--",
                        goServer.toString(), "--port", port);
            }
            Process clientSidecar = processes.h2splice(clientLog, "run", "--app-id", "probe-client");
            LocalRegistry registry = new LocalRegistry(home);
            Processes.awaitRegistered(registry, "probe", serverSidecar, serverLog, 60);
            RegistryEntry entry = Processes.awaitRegistered(registry, "probe-client", clientSidecar, clientLog, 60);

            List<String> failed = new ArrayList<>();
            Map<String, ClientRun> runs = new LinkedHashMap<>();
            for (var c : clients.entrySet()) {
                ClientRun run = ClientRun.of(c.getKey(), c.getValue(), "127.0.0.1:" + entry.grpcPort(), "probe",
                        home.resolve(c.getKey() + "-client.log"), CLIENT_TIMEOUT_S);
                runs.put(c.getKey(), run);
                failed.addAll(run.failures(CASES));
            }
            assertEquals(List.of(), failed, () -> "probe cases that failed against the " + serverLanguage + " server\n"
                    + Processes.logs(clientLog, serverLog));
            String server = javaServer != null ? "Java server (grpc-java " + GrpcUtil.IMPLEMENTATION_VERSION + ")"
                    : "Go server (grpc-go " + Tools.goModuleVersion(goServer, "google.golang.org/grpc") + ")";
            for (var run : runs.entrySet()) {
                CompatTable.check(new CompatTable.Row(
                        "probe, " + LANGUAGES.get(run.getKey()) + " client, " + server,
                        LANGUAGES.get(run.getKey()) + ", " + run.getValue().library(), CASES.size(),
                        Integer.toString(run.getValue().passed())));
            }
        }
    }

    /** How to run the probe client of {@code language}, or null when it is not built. */
    static List<String> command(String language) {
        if (language.equals("java")) { // grpc-java, on the test class path
            return List.of(Processes.java(), "-Xmx256m", "-cp", Processes.classpath(), ProbeClient.class.getName());
        }
        Path client = Tools.find("lang/" + language + "/probe-client");
        return client == null ? null : List.of(client.toString());
    }

    /** What one client printed: {@code CASE <name> PASS|FAIL ...} lines and its {@code LIBRARY} line. */
    record ClientRun(String language, Map<String, String> cases, String library, String problem) {

        /** Runs {@code client} against the gRPC {@code target} ({@code host:port} or {@code unix:path}). */
        static ClientRun of(String language, List<String> client, String target, String appId, Path out,
                            long timeoutSeconds) throws Exception {
            List<String> cmd = new ArrayList<>(client);
            cmd.addAll(List.of("--target", target, "--app-id", appId));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            String problem = null;
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem = "did not finish in " + timeoutSeconds + " s";
            } else if (p.exitValue() != 0) {
                problem = "exit " + p.exitValue();
            }
            Map<String, String> cases = new LinkedHashMap<>();
            String library = null;
            for (String line : Files.readAllLines(out)) {
                String[] parts = line.split(" ", 3);
                if (parts.length >= 3 && parts[0].equals("CASE")) {
                    cases.put(parts[1], parts[2]);
                } else if (parts.length >= 3 && parts[0].equals("LIBRARY")) {
                    library = parts[2];
                }
            }
            return new ClientRun(language, cases, library, problem);
        }

        /** Each case not run or not passed, the client's exit if not 0, a missing library line; empty if none. */
        List<String> failures(List<String> expected) {
            List<String> out = new ArrayList<>();
            for (String name : expected) {
                String result = cases.get(name);
                if (result == null) {
                    out.add(language + " " + name + ": not run");
                } else if (!result.equals("PASS")) {
                    out.add(language + " " + name + ": " + result);
                }
            }
            if (!cases.keySet().equals(new java.util.LinkedHashSet<>(expected))) {
                out.add(language + ": ran " + cases.keySet() + ", expected " + expected);
            }
            if (problem != null) {
                out.add(language + ": " + problem);
            }
            if (library == null) {
                out.add(language + ": printed no LIBRARY line");
            }
            return out;
        }

        int passed() {
            return (int) cases.values().stream().filter("PASS"::equals).count();
        }
    }

    private static Map<String, String> languages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("java", "Java");
        m.put("python", "Python");
        m.put("js", "JavaScript");
        m.put("cpp", "C++");
        m.put("ruby", "Ruby");
        m.put("rust", "Rust");
        return m;
    }
}
