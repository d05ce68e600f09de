package io.h2splice.core.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Zipkin server ({@code io.zipkin:zipkin-server} exec jar, copied into {@code target/zipkin/} by the build)
 * run as a child process bound to 127.0.0.1 on a free port, with in-memory storage. Started once per test class;
 * {@link #close()} stops that process, by its PID, and only it.
 */
final class ZipkinServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ZipkinServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static ZipkinServer start() throws IOException, InterruptedException {
        String jarProperty = System.getProperty("h2splice.zipkin.jar", "target/zipkin/zipkin-server-exec.jar");
        Path jar = Path.of(jarProperty);
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the Zipkin server jar is missing: " + jar.toAbsolutePath()
                    + " (mvn generate-test-resources -pl proxy-core copies it from Maven Central)");
        }
        int port = freePort();
        Path log = jar.resolveSibling("zipkin-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", jar.toAbsolutePath().toString(),
                "--armeria.ports[0].port=" + port,
                "--armeria.ports[0].ip=127.0.0.1",
                "--armeria.ports[0].protocols[0]=http")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("STORAGE_TYPE", "mem");
        Process p = pb.start();
        ZipkinServer z = new ZipkinServer(p, port, log);
        try {
            z.awaitHealthy();
        } catch (Throwable e) {
            z.close();
            throw e;
        }
        return z;
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Zipkin exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("Zipkin not healthy within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail());
    }

    /** Where spans are posted, as {@code spec.tracing.zipkin.endpointAddress} names it. */
    String spansEndpoint() {
        return "http://127.0.0.1:" + port + "/api/v2/spans";
    }

    /** Polls {@code /api/v2/trace/{id}} until {@code done} accepts the spans, at most {@code timeout}. */
    List<JsonNode> awaitTrace(String traceId, Duration timeout, Predicate<List<JsonNode>> done)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> spans = trace(traceId);
            if (done.test(spans)) {
                return spans;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("trace " + traceId + " not complete within " + timeout.toSeconds()
                        + " s; Zipkin has: " + spans);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /** The spans Zipkin has for the trace now (none: Zipkin answers 404). */
    List<JsonNode> trace(String traceId) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v2/trace/" + traceId))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> found = new ArrayList<>();
        if (r.statusCode() == 200) {
            JSON.readTree(r.body()).forEach(found::add);
        } else if (r.statusCode() != 404) {
            throw new AssertionError("Zipkin answered " + r.statusCode() + ": " + r.body());
        }
        return found;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the Zipkin process (SIGTERM to its PID, then SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
