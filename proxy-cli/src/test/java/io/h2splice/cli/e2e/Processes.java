package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import io.h2splice.cli.Main;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts real {@code h2splice} OS processes from the test class path, all sharing one {@code H2SPLICE_HOME}, each
 * with its output in a file; {@link #close} kills whatever is still running.
 */
final class Processes implements AutoCloseable {

    private final Path home;
    private final List<Process> started = new ArrayList<>();

    Processes(Path home) {
        this.home = home;
    }

    /** {@code h2splice <args>} with stdout and stderr in {@code log}. */
    Process h2splice(Path log, String... args) throws IOException {
        return h2splice(Map.of(), log, args);
    }

    /** As {@link #h2splice(Path, String...)}, with {@code env} added to the inherited environment. */
    Process h2splice(Map<String, String> env, Path log, String... args) throws IOException {
        return start(env, log, h2spliceCommand(args));
    }

    /** The command line {@link #h2splice} runs. */
    static List<String> h2spliceCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx128m", "-XX:+UseSerialGC", "-cp", classpath(),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Any command (an image's entry point, say) with the environment {@link #h2splice} gives, plus {@code env}. */
    Process start(Map<String, String> env, Path log, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("H2SPLICE_HOME", home.toString());
        pb.environment().remove("NAMESPACE");
        pb.environment().remove("DAPR_API_TOKEN");
        pb.environment().remove("APP_API_TOKEN");
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire's real class path (java.class.path may be a manifest-only jar). */
    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The sidecar's (or daprd's) metrics page at {@code 127.0.0.1:port/metrics}. */
    static String metricsPage(int port) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Waits until {@code appId} is registered; fails at once, with the sidecar's output, if the process exits. */
    static RegistryEntry awaitRegistered(LocalRegistry registry, String appId, Process p, Path log, long timeoutSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            List<RegistryEntry> found = registry.find(appId);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                fail("h2splice run --app-id " + appId + " exited with code " + p.exitValue() + " before registering\n"
                        + logs(log));
            }
        }
        return fail("h2splice run --app-id " + appId + " did not register within " + timeoutSeconds + " s\n"
                + logs(log));
    }

    static String logs(Path... logs) {
        StringBuilder b = new StringBuilder();
        for (Path l : logs) {
            try {
                b.append("---- ").append(l.getFileName()).append('\n').append(Files.readString(l));
            } catch (IOException e) {
                b.append("(cannot read ").append(l).append(": ").append(e).append(")\n");
            }
        }
        return b.toString();
    }
}
