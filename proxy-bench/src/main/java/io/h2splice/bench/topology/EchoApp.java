package io.h2splice.bench.topology;

import io.h2splice.bench.EchoServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the echo app ({@link EchoServer}) as its own JVM, from the benchmark's own class path, and reads its port
 * from its first line, so the app's CPU never mixes with the load generator's.
 */
public final class EchoApp {

    /** The app's JVM: a fixed heap so it does not grow during a run, and the collector with no GC threads. */
    static final List<String> JVM_OPTS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");

    private static final Pattern READY = Pattern.compile(Pattern.quote(EchoServer.READY_PREFIX) + "[^\\s:]+:(\\d+)");

    private EchoApp() {
    }

    /** The app's JVM flags, for the report. */
    public static List<String> jvmOpts() {
        return JVM_OPTS;
    }

    /** A started app and its port. */
    public record Running(Child child, int port) {
    }

    public static Running start(Path logDir, int threads) throws Topology.TopologyException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EchoServer.class.getName());
        cmd.add("--threads");
        cmd.add(Integer.toString(threads));
        Child child;
        try {
            child = Child.start("app", cmd, Map.of("APP_CHANNEL_ADDRESS", "127.0.0.1"), logDir.resolve("app.log"));
        } catch (IOException e) {
            throw new Topology.TopologyException("cannot start the echo app: " + e.getMessage());
        }
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < giveUpAt) {
            Matcher m = READY.matcher(child.output());
            if (m.find()) {
                return new Running(child, Integer.parseInt(m.group(1)));
            }
            if (!child.isAlive()) {
                throw new Topology.TopologyException("the echo app exited with code " + child.exitCode() + ": "
                        + child.lastLine());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                child.stop();
                Thread.currentThread().interrupt();
                throw new Topology.TopologyException("interrupted while the echo app started");
            }
        }
        child.stop();
        throw new Topology.TopologyException("the echo app did not print its port within 30 s (log: "
                + child.log() + ")");
    }
}
