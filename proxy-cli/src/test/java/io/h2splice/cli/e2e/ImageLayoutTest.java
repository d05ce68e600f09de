package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Metadata;
import io.h2splice.cli.kube.TestCertificate;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image without Docker: {@code deploy/jlink.sh}, the step the Dockerfile runs, lays out /h2splice from the
 * shaded jar (so this runs at {@code integration-test}, after {@code package}; see proxy-cli's pom), then the entry
 * point starts {@code h2splice run} on the jlinked runtime as Dapr's injector would ({@code /daprd --app-id ...}),
 * and a call goes through two such sidecars over mTLS. Skipped where the JDK running the tests has no {@code jlink}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ImageLayoutTest extends ProcessTest {

    /** What deploy/jlink.sh leaves out although jdeps lists them (the script says why). */
    private static final Set<String> LEFT_OUT = Set.of("java.desktop", "java.sql", "java.xml");
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path JAR = Path.of("target", "h2splice.jar").toAbsolutePath();

    @TempDir
    static Path work;
    static Path image;

    @BeforeAll
    static void layOut() throws Exception {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        assumeTrue(Files.isExecutable(jlink), "no jlink in " + System.getProperty("java.home") + " (a JRE)");
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
        assertTrue(Files.isRegularFile(JAR), "no " + JAR + ": run 'mvn package' (or verify) first");
        image = work.resolve("h2splice");
        Path log = work.resolve("jlink.log");
        ProcessBuilder pb = new ProcessBuilder(REPO.resolve("deploy/jlink.sh").toString(), JAR.toString(),
                image.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "jlink.sh still running");
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    @Test
    void theLayoutIsWhatTheDockerfileCopies() throws IOException {
        assertTrue(Files.isExecutable(image.resolve("bin/entrypoint")));
        assertTrue(Files.isExecutable(image.resolve("runtime/bin/java")));
        assertEquals(Files.size(JAR), Files.size(image.resolve("lib/h2splice.jar")));
        String dockerfile = Files.readString(REPO.resolve("deploy/Dockerfile"));
        assertTrue(dockerfile.contains("RUN deploy/jlink.sh proxy-cli/target/h2splice.jar /out/h2splice"), dockerfile);
        assertTrue(dockerfile.contains("COPY --from=build /out/h2splice /h2splice"), dockerfile);
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/h2splice/bin/entrypoint\"]"), dockerfile);
        assertTrue(dockerfile.contains("USER 65532:65532"), dockerfile);
        assertFalse(Files.exists(image.resolve("runtime/include")), "no header files");
        assertFalse(Files.exists(image.resolve("runtime/bin/javac")), "a runtime, not a JDK");
    }

    @Test
    void theRuntimeHasEveryModuleJdepsFindsButTheDocumentedOnes() throws Exception {
        Set<String> runtime = runtimeModules();
        Path log = work.resolve("jdeps.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jdeps").toString(),
                "--list-deps", "--ignore-missing-deps", "--multi-release", "17", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jdeps still running");
        assertEquals(0, p.exitValue(), Files.readString(log));
        Set<String> needed = new TreeSet<>();
        for (String line : Files.readAllLines(log)) {
            String m = line.strip();
            if (m.matches("[a-z][a-z0-9.]*") && !m.isEmpty()) {
                needed.add(m);
            }
        }
        assertTrue(needed.contains("java.base") && needed.contains("jdk.unsupported"), needed.toString());
        for (String m : needed) {
            assertTrue(runtime.contains(m) || LEFT_OUT.contains(m), "jdeps finds " + m + ", which the runtime lacks "
                    + "and deploy/jlink.sh does not say it leaves out; runtime: " + runtime);
        }
        for (String m : List.of("jdk.crypto.ec", "jdk.naming.dns", "java.logging")) {
            assertTrue(runtime.contains(m), m + " (not seen by jdeps) is in the runtime: " + runtime);
        }
        for (String m : LEFT_OUT) {
            assertFalse(runtime.contains(m), m);
        }
    }

    @Test
    void theEntryPointTurnsDaprdIntoRunAndPassesSubcommandsOn() throws Exception {
        assertTrue(entrypoint("/daprd", "--help").startsWith("Usage: h2splice run "));
        assertTrue(entrypoint("daprd", "--help").startsWith("Usage: h2splice run "));
        assertTrue(entrypoint("--app-id", "x", "--help").startsWith("Usage: h2splice run "), "a flag first: run");
        assertTrue(entrypoint("run", "--help").startsWith("Usage: h2splice run "));
        assertTrue(entrypoint("ca", "--help").startsWith("Usage: h2splice ca "));
        assertTrue(entrypoint("--help").startsWith("Usage: h2splice ["));
        assertTrue(entrypoint("--version").startsWith("h2splice "));
        String injector = entrypoint("injector", "--help");
        assertTrue(injector.startsWith("Usage: h2splice") && !injector.startsWith("Usage: h2splice run"), injector);
    }

    @Test
    void twoSidecarsFromTheImageCallOverMtlsAndStopOnSigterm() throws Exception {
        int appPort = Processes.freePort();
        int httpPort = Processes.freePort();
        int publicPort = Processes.freePort();
        // The root filesystem of the pod is read-only: netty must not need a writable temporary directory.
        Map<String, String> env = Map.of("H2SPLICE_JAVA_OPTS",
                "-Xmx96m -XX:+UseSerialGC -Dio.netty.tmpdir=/proc -Dio.netty.native.workdir=/proc");
        Path serverLog = home.resolve("server.log");
        Path clientLog = home.resolve("client.log");
        List<String> server = new ArrayList<>(List.of(image.resolve("bin/entrypoint").toString(), "/daprd",
                "--app-id", "server", "--app-port", Integer.toString(appPort), "--app-protocol", "grpc",
                "--dapr-graceful-shutdown-seconds", "1", "--", Processes.java(), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", Processes.classpath(), EchoServer.class.getName()));
        Process s = processes.start(env, serverLog, server);
        // The injector's flags for a pod; no app command, the app being another container.
        Process c = processes.start(env, clientLog, List.of(image.resolve("bin/entrypoint").toString(), "/daprd",
                "--app-id", "client", "--dapr-http-port", Integer.toString(httpPort), "--dapr-public-port",
                Integer.toString(publicPort), "--app-protocol", "grpc", "--log-level", "info",
                "--enable-metrics", "--dapr-graceful-shutdown-seconds", "1", "--enable-mtls"));

        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, "server", s, serverLog, 60);
        RegistryEntry client = Processes.awaitRegistered(registry, "client", c, clientLog, 60);
        assertTrue(ProcessHandle.of(c.pid()).flatMap(h -> h.info().command()).orElse("")
                .endsWith("/runtime/bin/java"), "the entry point exec'd the jlinked java: SIGTERM reaches it");
        HttpResponse<String> healthz = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + "/v1.0/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(204, healthz.statusCode(), () -> Processes.logs(clientLog));

        Metadata md = new Metadata();
        md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "server");
        assertEquals("echo: hello (app server)", EchoServer.say(client.grpcPort(), md, "hello"),
                () -> Processes.logs(serverLog, clientLog));
        String clientOut = Files.readString(clientLog);
        assertTrue(clientOut.contains("mTLS: identity spiffe://public/ns/default/client"), clientOut);
        if (nativeLibrariesShipped()) {
            assertTrue(clientOut.contains("TLS: BoringSSL via netty-tcnative"), clientOut);
            assertTrue(clientOut.contains("msg=\"transport: epoll, "), clientOut);
        }

        c.destroy(); // SIGTERM
        assertTrue(c.waitFor(30, TimeUnit.SECONDS), () -> Processes.logs(clientLog));
        assertEquals(0, c.exitValue(), () -> Processes.logs(clientLog));
        s.destroy();
        assertTrue(s.waitFor(30, TimeUnit.SECONDS), () -> Processes.logs(serverLog));
        assertEquals(143, s.exitValue(), () -> "the app's exit code after SIGTERM\n" + Processes.logs(serverLog));
    }

    @Test
    void theInjectorFromTheImageServesItsWebhookOverHttps() throws Exception {
        TestCertificate cert = TestCertificate.create(home, "webhook");
        int port = Processes.freePort();
        Path log = home.resolve("injector.log");
        Process p = processes.start(Map.of("H2SPLICE_JAVA_OPTS", "-Xmx96m -XX:+UseSerialGC"), log,
                List.of(image.resolve("bin/entrypoint").toString(), "injector", "--port", Integer.toString(port),
                        "--listen-address", "127.0.0.1", "--tls-cert-file", cert.certFile().toString(),
                        "--tls-key-file", cert.keyFile().toString(), "--manage-services=false"));
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trustingClient())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest healthz = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/healthz")).build();
        int status = -1;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); status != 200 && System.nanoTime() < end; ) {
            assertTrue(p.isAlive(), () -> "the injector exited\n" + Processes.logs(log));
            try {
                status = client.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        assertEquals(200, status, () -> "the jlinked runtime's HTTPS server (jdk.httpserver) answered\n"
                + Processes.logs(log));
        HttpResponse<String> notAReview = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + "/mutate")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, notAReview.statusCode(), notAReview.body());
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> Processes.logs(log));
    }

    /** The MODULES line of the runtime's release file. */
    private static Set<String> runtimeModules() throws IOException {
        Matcher m = Pattern.compile("(?m)^MODULES=\"([^\"]*)\"").matcher(
                Files.readString(image.resolve("runtime/release")));
        assertTrue(m.find(), "no MODULES in the runtime's release file");
        return new TreeSet<>(Arrays.asList(m.group(1).split(" ")));
    }

    /** jlink.sh copies netty's epoll and BoringSSL libraries for Linux x86_64 and aarch64. */
    private static boolean nativeLibrariesShipped() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    /** Runs the entry point with {@code args}; its output, which must come with exit code 0. */
    private String entrypoint(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(image.resolve("bin/entrypoint").toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(home, "entrypoint", ".log");
        Process p = processes.start(Map.of(), log, cmd);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> String.join(" ", cmd) + " still running");
        String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + out);
        return out;
    }
}
