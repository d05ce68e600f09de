package io.h2splice.bench.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process the benchmark started, with its output in a log file. Every child is in a static set that a JVM shutdown
 * hook stops (Ctrl-C, an uncaught error), so none outlives the benchmark; {@link #stop()} removes it from the set.
 * Only processes started here are ever signalled, by their own handles.
 */
public final class Child implements AutoCloseable {

    private static final Set<Child> RUNNING = ConcurrentHashMap.newKeySet();
    private static final long GRACE_MILLIS = 5_000;
    private static final java.util.regex.Pattern FAILURE = java.util.regex.Pattern.compile(
            "(?i)severe|error|cannot|can't|exception|not supported|failed|emerg|alert|fatal");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Child::stopAll, "bench-stop-children"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos;

    private Child(String name, Process process, Path log, long startedNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code command} with {@code env} changes ({@code null} value: removed), standard output and error both
     * to {@code log}.
     */
    public static Child start(String name, List<String> command, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        long started = System.nanoTime();
        Process p = pb.start();
        Child c = new Child(name, p, log, started);
        RUNNING.add(c);
        return c;
    }

    public String name() {
        return name;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Nanoseconds since the process was started. */
    public long ageNanos() {
        return System.nanoTime() - startedNanos;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The log's text (the last 64 KiB), for error messages. */
    public String output() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = Math.max(0, all.length - 65_536);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last non-blank line of the log, for a one-line error. */
    public String lastLine() {
        String[] lines = output().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "(no output)";
    }

    /** The line of the log that most likely says why it failed: the last one naming an error, else the last. */
    public String reason() {
        String[] lines = output().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (FAILURE.matcher(lines[i]).find()) {
                return lines[i].strip();
            }
        }
        return lastLine();
    }

    /** SIGTERM to the process, then SIGKILL to it and its children if they are still there after 5 s. */
    public void stop() {
        List<ProcessHandle> children = new ArrayList<>();
        process.toHandle().descendants().forEach(children::add);
        process.destroy();
        try {
            if (!process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle c : children) {
                if (c.isAlive()) {
                    c.destroy();
                    if (!c.onExit().completeOnTimeout(c, GRACE_MILLIS, TimeUnit.MILLISECONDS).join().isAlive()) {
                        continue;
                    }
                    c.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(this);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops every child still running: the shutdown hook's job, in parallel so Ctrl-C is quick. */
    static void stopAll() {
        List<Thread> stoppers = new ArrayList<>();
        for (Child c : RUNNING) {
            Thread t = new Thread(c::stop, "bench-stop-" + c.name);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(2 * GRACE_MILLIS + 1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
