package io.h2splice.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the {@code prometheus} binary of Debian's package {@code prometheus}) scraping given
 * {@code 127.0.0.1} targets every second, queried through its HTTP API.
 *
 * <p>{@link #start(List)} writes a {@code prometheus.yml} with one job, {@value #JOB}, and one static target per
 * {@link Target}, labelled {@code {@value #TARGET_LABEL}="<target name>"} so queries can pick a sidecar without
 * knowing its port; starts Prometheus on {@code 127.0.0.1:0} (the OS picks the port, read back from Prometheus's
 * "Listening on" log line) with its TSDB in a temporary directory; and waits, bounded, for {@code /-/ready}.
 * Every wait is bounded; a failure carries the tail of Prometheus's log, which is kept in a file
 * ({@link #logFile()}: under {@code target/prometheus/} when run from a module directory).
 *
 * <p>Prometheus 2.x hands static targets to its scrape manager only after up to 5 s (it throttles discovery
 * updates, not configurable), so the first scrape comes 5-6 s after start: start it early, do the work meanwhile,
 * then {@link #awaitTargetsUp} and {@link #awaitValue}.
 *
 * <p>{@link #close()} stops the process it started (by its PID: SIGTERM, then SIGKILL) and deletes the TSDB;
 * a JVM shutdown hook kills it too if the test JVM dies first.
 *
 * <p>When the binary is missing, {@link #assumeInstalled()} skips the test (JUnit assumption), unless the environment
 * variable {@value #REQUIRED_ENV} is set to {@code true}, in which case it fails: CI installs the package and can
 * set it so the test can never be skipped there silently.
 */
public final class PrometheusServer implements AutoCloseable {

    /** The scrape job's name. */
    public static final String JOB = "h2splice";
    /** The label every target gets, with the target's {@link Target#name()}. */
    public static final String TARGET_LABEL = "sidecar";
    /** Set to {@code true} to fail instead of skipping when the binaries are missing. */
    /**
     * promtool's lint findings on Dapr's own metric names, which dashboards depend on and h2splice therefore keeps:
     * OpenCensus-style counters without {@code _total}, and {@code _ms} units. Nothing else may be found.
     */
    private static final String CAMEL_CASE_LABEL = "label names should be written in 'snake_case' not 'camelCase'";

    public static final Set<String> DAPR_NAME_LINTS = Set.of(
            "dapr_grpc_io_server_completed_rpcs counter metrics should have \"_total\" suffix",
            "dapr_runtime_service_invocation_res_recv_latency_ms metric names should not contain abbreviated units",
            // Dapr's resiliency counters (OpenCensus Count views) have no "_total" either, and one ends in "_count".
            "dapr_resiliency_loaded counter metrics should have \"_total\" suffix",
            "dapr_resiliency_count counter metrics should have \"_total\" suffix",
            "dapr_resiliency_count non-histogram and non-summary metrics should not have \"_count\" suffix",
            // Dapr's ACL counters label the caller's trust domain "trustDomain".
            "dapr_runtime_acl_app_policy_action_allowed_total " + CAMEL_CASE_LABEL,
            "dapr_runtime_acl_app_policy_action_blocked_total " + CAMEL_CASE_LABEL,
            "dapr_runtime_acl_global_policy_action_allowed_total " + CAMEL_CASE_LABEL,
            "dapr_runtime_acl_global_policy_action_blocked_total " + CAMEL_CASE_LABEL);

    public static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_PROMETHEUS";

    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int TAIL_LINES = 40;

    /** "Listening on" with the bound address: logfmt in 2.x ({@code address=127.0.0.1:41234}), also 3.x's slog. */
    private static final Pattern LISTENING =
            Pattern.compile("msg=\"Listening on\".*?address=\"?(?:127\\.0\\.0\\.1|\\[::1]|localhost):(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One scrape target.
     *
     * @param name the value of {@value #TARGET_LABEL} on its series (e.g. the sidecar's app id)
     * @param port its metrics port on 127.0.0.1
     */
    public record Target(String name, int port) {
        public Target {
            Objects.requireNonNull(name, "name");
            if (port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("target port must be in 1..65535, got " + port);
            }
        }

        public String address() {
            return "127.0.0.1:" + port;
        }
    }

    /**
     * One series of an instant-vector answer (or the single value of a scalar answer, with no labels).
     *
     * @param labels the series' labels, sorted by name
     * @param value  the sample value
     */
    public record Sample(Map<String, String> labels, double value) {
    }

    private final Path workDir;
    private final Path logFile;
    private final Process process;
    private final Thread killOnExit;
    private final HttpClient http;
    private volatile int port = -1;
    private volatile boolean closed;

    private PrometheusServer(Path workDir, Path logFile, Process process) {
        this.workDir = workDir;
        this.logFile = logFile;
        this.process = process;
        this.killOnExit = new Thread(process::destroyForcibly, "kill prometheus pid " + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
        this.http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The {@code prometheus} binary on the PATH, or null. */
    public static String binary() {
        return findOnPath("prometheus");
    }

    /** The {@code promtool} binary on the PATH, or null. */
    public static String promtool() {
        return findOnPath("promtool");
    }

    /** Skips the calling test when {@code prometheus} or {@code promtool} is missing (fails if {@value #REQUIRED_ENV}). */
    public static void assumeInstalled() {
        List<String> missing = new ArrayList<>();
        if (binary() == null) {
            missing.add("prometheus");
        }
        if (promtool() == null) {
            missing.add("promtool");
        }
        if (missing.isEmpty()) {
            return;
        }
        Tools.missing(missing + " not on the PATH (Debian package 'prometheus'; .ci/run installs it)", REQUIRED_ENV);
    }

    public static PrometheusServer start(Target... targets) throws IOException {
        return start(List.of(targets));
    }

    /** Starts Prometheus scraping {@code targets} every second and waits until it is ready. */
    public static PrometheusServer start(List<Target> targets) throws IOException {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one target");
        }
        return start(config(targets));
    }

    /** Starts Prometheus with this prometheus.yml and waits until it is ready (or fails, with its log tail). */
    static PrometheusServer start(String configYaml) throws IOException {
        assumeInstalled();
        Path workDir = Files.createTempDirectory("h2splice-prometheus-");
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, configYaml, StandardCharsets.UTF_8);
        Path logFile = logDir(workDir).resolve("prometheus-" + workDir.getFileName() + ".log");
        Process process = new ProcessBuilder(binary(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:0",
                "--log.level=info")
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        PrometheusServer server = new PrometheusServer(workDir, logFile, process);
        try {
            server.awaitReady();
            return server;
        } catch (Throwable e) {
            try {
                server.close();
            } catch (Throwable suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The prometheus.yml for {@code targets}: one job, one static config per target carrying its name label. */
    static String config(List<Target> targets) {
        StringBuilder y = new StringBuilder()
                .append("global:\n")
                .append("  scrape_interval: 1s\n")
                .append("  scrape_timeout: 1s\n")
                .append("  evaluation_interval: 1s\n")
                .append("scrape_configs:\n")
                .append("  - job_name: ").append(JOB).append('\n')
                .append("    metrics_path: /metrics\n")
                .append("    static_configs:\n");
        for (Target t : targets) {
            y.append("      - targets: ['").append(t.address()).append("']\n")
                    .append("        labels:\n")
                    .append("          ").append(TARGET_LABEL).append(": '").append(t.name().replace("'", "''"))
                    .append("'\n");
        }
        return y.toString();
    }

    private static Path logDir(Path workDir) throws IOException {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        if (Files.isDirectory(target)) {
            return Files.createDirectories(target.resolve("prometheus"));
        }
        return workDir;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (port < 0) {
            checkAlive("starting");
            Matcher m = LISTENING.matcher(log());
            if (m.find() && Integer.parseInt(m.group(1)) > 0) {
                port = Integer.parseInt(m.group(1));
            } else {
                pause(deadline, "log its listening address");
            }
        }
        while (true) {
            checkAlive("starting");
            try {
                HttpResponse<String> r = get("/-/ready");
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not accepting yet
            }
            pause(deadline, "answer 200 on /-/ready");
        }
    }

    private void pause(long deadline, String what) {
        if (System.nanoTime() - deadline > 0) {
            throw failure("Prometheus did not " + what + " within " + START_TIMEOUT.toMillis() + " ms", null);
        }
        sleep(POLL);
    }

    private void checkAlive(String when) {
        if (!process.isAlive()) {
            throw failure("Prometheus (pid " + process.pid() + ") exited with " + process.exitValue() + " while " + when,
                    null);
        }
    }

    /** Prometheus's HTTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public long pid() {
        return process.pid();
    }

    /** Where Prometheus's stdout and stderr go; kept after {@link #close()}. */
    public Path logFile() {
        return logFile;
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        String[] all = log().split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    /** An AssertionError with the message, the log file's name and its tail. */
    public AssertionError failure(String message, Throwable cause) {
        return new AssertionError(message + "\n--- last " + TAIL_LINES + " lines of Prometheus's log (" + logFile
                + ") ---\n" + logTail(TAIL_LINES), cause);
    }

    /**
     * GET {@code /api/v1/<path>} and the {@code data} member of a {@code "status": "success"} answer; an
     * AssertionError (with the answer and the log tail) otherwise.
     */
    public JsonNode api(String pathAndQuery) {
        HttpResponse<String> r;
        try {
            r = get("/api/v1/" + pathAndQuery);
        } catch (IOException e) {
            throw failure("GET /api/v1/" + pathAndQuery + " failed: " + e, e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw failure("GET /api/v1/" + pathAndQuery + " answered " + r.statusCode() + " with non-JSON: " + r.body(), e);
        }
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw failure("GET /api/v1/" + pathAndQuery + " answered " + r.statusCode() + ": " + r.body(), null);
        }
        return body.path("data");
    }

    /** Evaluates {@code promql} now: the series of an instant vector, or one label-less sample for a scalar. */
    public List<Sample> query(String promql) {
        JsonNode data = api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        String type = data.path("resultType").asText();
        List<Sample> out = new ArrayList<>();
        switch (type) {
            case "vector" -> {
                for (JsonNode series : data.path("result")) {
                    Map<String, String> labels = new TreeMap<>();
                    series.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                    out.add(new Sample(labels, number(series.path("value"))));
                }
            }
            case "scalar" -> out.add(new Sample(Map.of(), number(data.path("result"))));
            default -> throw failure("query '" + promql + "' gave a " + type + " result; only vector and scalar are read: "
                    + data, null);
        }
        return out;
    }

    /** The single value {@code promql} evaluates to now, or empty when no series matches; fails on more than one. */
    public OptionalDouble value(String promql) {
        List<Sample> r = query(promql);
        if (r.size() > 1) {
            throw new AssertionError("query '" + promql + "' matched " + r.size() + " series, expected at most one "
                    + "(wrap it in sum(...)): " + r);
        }
        return r.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(r.get(0).value());
    }

    /**
     * Polls {@code promql} until it evaluates to exactly {@code expected} (one series), at most {@code timeout};
     * fails with the last answer and the log tail.
     */
    public void awaitValue(String promql, double expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Sample> last;
        while (true) {
            last = query(promql);
            if (last.size() == 1 && last.get(0).value() == expected) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
            sleep(POLL);
        }
        throw failure("Prometheus: '" + promql + "' expected " + format(expected) + " but after " + timeout.toMillis()
                + " ms it is " + (last.isEmpty() ? "no series" : last.size() == 1 ? format(last.get(0).value()) : last)
                + "\ntargets: " + targetHealth(), null);
    }

    /**
     * Polls every query of {@code expected} (query → value) until all evaluate to their values at once, at most
     * {@code timeout}; fails listing every query with its expected and last value (mismatches marked), and the log
     * tail. Each query must give at most one series; no series fails unless wrapped (e.g. {@code ... or vector(0)}).
     */
    public void awaitValues(Map<String, Double> expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> mismatches = new LinkedHashMap<>();
        Map<String, String> report = new LinkedHashMap<>();
        while (true) {
            mismatches.clear();
            report.clear();
            for (Map.Entry<String, Double> e : expected.entrySet()) {
                List<Sample> r = query(e.getKey());
                boolean ok = r.size() == 1 && r.get(0).value() == e.getValue();
                String actual = r.isEmpty() ? "no series" : r.size() == 1 ? format(r.get(0).value()) : r.toString();
                report.put(e.getKey(), (ok ? "   ok " : "WRONG ") + "expected " + format(e.getValue()) + ", is " + actual);
                if (!ok) {
                    mismatches.put(e.getKey(), actual);
                }
            }
            if (mismatches.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
            sleep(POLL);
        }
        StringBuilder m = new StringBuilder("Prometheus: " + mismatches.size() + " of " + expected.size()
                + " queries still wrong after " + timeout.toMillis() + " ms:\n");
        report.forEach((q, line) -> m.append("  ").append(line).append("  <- ").append(q).append('\n'));
        m.append("targets: ").append(targetHealth());
        throw failure(m.toString(), null);
    }

    /** Scrape URL → health ({@code up}, {@code down}, {@code unknown}) and last error, from {@code /api/v1/targets}. */
    public Map<String, String> targetHealth() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode t : api("targets?state=active").path("activeTargets")) {
            String error = t.path("lastError").asText("");
            out.put(t.path("scrapeUrl").asText(), t.path("health").asText() + (error.isEmpty() ? "" : " (" + error + ")"));
        }
        return out;
    }

    /** Whether every configured target was scraped successfully at its last scrape. */
    public boolean targetsUp() {
        Map<String, String> health = targetHealth();
        return !health.isEmpty() && health.values().stream().allMatch("up"::equals);
    }

    /** Waits, at most {@code timeout}, until {@link #targetsUp()}; fails with each target's health and the log tail. */
    public void awaitTargetsUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!targetsUp()) {
            if (System.nanoTime() - deadline > 0) {
                throw failure("targets not all up after " + timeout.toMillis() + " ms: " + targetHealth(), null);
            }
            sleep(POLL);
        }
    }

    /** Exit code of {@code promtool check metrics} when the text parses but has lint problems only. */
    private static final int PROMTOOL_LINT_ONLY = 3;

    /**
     * Runs {@code promtool check metrics} on {@code exposition} (at most 30 s); AssertionError with promtool's
     * output and the exposition unless it exits 0.
     */
    public static void checkMetrics(String exposition) {
        checkMetrics(exposition, Set.of());
    }

    /**
     * Like {@link #checkMetrics(String)}, but lint problems (exit code 3, one line each, e.g.
     * {@code foo counter metrics should have "_total" suffix}) listed exactly in {@code acceptedLint} pass: for names
     * a compatibility contract fixes. A text promtool cannot parse always fails.
     */
    public static void checkMetrics(String exposition, Set<String> acceptedLint) {
        assumeInstalled();
        try {
            Process p = new ProcessBuilder(promtool(), "check", "metrics").redirectErrorStream(true).start();
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            CompletableFuture.runAsync(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(exposition.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // promtool exited early; its output and exit code say why
                }
            });
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool check metrics did not finish within 30 s");
            }
            String out = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            int exit = p.exitValue();
            if (exit == 0) {
                return;
            }
            List<String> problems = out.lines().filter(l -> !l.isBlank()).toList();
            if (exit == PROMTOOL_LINT_ONLY && !problems.isEmpty() && acceptedLint.containsAll(problems)) {
                return;
            }
            throw new AssertionError("promtool check metrics exited " + exit + ":\n" + out
                    + (acceptedLint.isEmpty() ? "" : "(accepted lint: " + acceptedLint + ")\n")
                    + "--- on ---\n" + exposition);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("running promtool check metrics failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running promtool", e);
        }
    }

    /** GET {@code http://127.0.0.1:<port><path>} with a bounded timeout: for a target's own exposition. */
    public static String fetch(int port, String path) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
        HttpResponse<String> r = send(client, URI.create("http://127.0.0.1:" + port + path));
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " on port " + port + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private HttpResponse<String> get(String path) throws IOException {
        return send(http, URI.create("http://127.0.0.1:" + port + path));
    }

    private static HttpResponse<String> send(HttpClient client, URI uri) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build();
        try {
            return client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}) and deletes the TSDB; keeps the log. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.destroy();
            boolean exited = waitFor(STOP_TIMEOUT);
            if (!exited) {
                process.destroyForcibly();
                if (!waitFor(Duration.ofSeconds(5))) {
                    throw failure("Prometheus (pid " + process.pid() + ") still running after SIGKILL", null);
                }
                throw failure("Prometheus (pid " + process.pid() + ") ignored SIGTERM for " + STOP_TIMEOUT.toMillis()
                        + " ms and was killed", null);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            deleteTree(workDir.resolve("data"));
            if (!logFile.startsWith(workDir)) {
                deleteTree(workDir);
            }
        }
    }

    private boolean waitFor(Duration limit) {
        try {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not a test failure
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static double number(JsonNode value) {
        // [ <unix time>, "<value>" ]; the value is a string ("NaN", "+Inf" included)
        String s = value.path(1).asText();
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for Prometheus", e);
        }
    }

    private static String findOnPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
