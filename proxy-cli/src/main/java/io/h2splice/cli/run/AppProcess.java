package io.h2splice.cli.run;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The app started after {@code --}: a child process whose stdout and stderr are re-printed on ours, prefixed
 * {@code == APP == }. Stopping it signals the app and its descendants, as a signal to a process group would, so that
 * an app started through a shell script does not leave its real process behind.
 */
final class AppProcess {

    private final Process process;
    private final String commandLine;
    private final Thread stdout;
    private final Thread stderr;
    private final AtomicReference<Terminated> terminated = new AtomicReference<>();

    private AppProcess(Process process, String commandLine, Thread stdout, Thread stderr) {
        this.process = process;
        this.commandLine = commandLine;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code command} (looked up on the PATH) with exactly {@code environment}; stdin is inherited.
     *
     * @throws IOException when the command cannot be started (not found, not executable)
     */
    static AppProcess start(List<String> command, Map<String, String> environment, PrintStream out, PrintStream err)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        Thread o = pump(new LinePump(p.getInputStream(), out), "app-stdout");
        Thread e = pump(new LinePump(p.getErrorStream(), err), "app-stderr");
        return new AppProcess(p, String.join(" ", command), o, e);
    }

    private static Thread pump(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    long pid() {
        return process.pid();
    }

    String commandLine() {
        return commandLine;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the exit code when the app exits. */
    CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /**
     * SIGTERM to the app and to every process it started, once: later calls do nothing (a second signal makes some
     * apps skip their clean shutdown). {@link #awaitExit} then waits for the processes signalled here.
     */
    void terminate() {
        if (terminated.get() != null) {
            return;
        }
        Terminated t = new Terminated(family(), System.nanoTime());
        if (terminated.compareAndSet(null, t)) {
            t.family.forEach(ProcessHandle::destroy);
        }
    }

    /** SIGKILL to the app and to every process it started. */
    void kill() {
        family().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * {@link #terminate}, then {@link #awaitExit}.
     *
     * @return the app's exit code (128 + signal number when a signal ended it)
     */
    int stop(Duration grace) throws InterruptedException {
        terminate();
        return awaitExit(grace);
    }

    /**
     * Waits until {@code grace} after {@link #terminate} for the app and the processes it had started, sends SIGKILL
     * to those left, and waits for the output to be copied.
     *
     * @return the app's exit code (128 + signal number when a signal ended it)
     */
    int awaitExit(Duration grace) throws InterruptedException {
        terminate();
        Terminated t = terminated.get();
        long deadline = t.atNanos + grace.toNanos();
        for (ProcessHandle h : t.family) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !waitFor(h, left)) {
                break;
            }
        }
        for (ProcessHandle h : t.family) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("app pid " + process.pid() + " survived SIGKILL");
        }
        awaitOutput(Duration.ofSeconds(2));
        return process.exitValue();
    }

    /** The app's descendants, then the app itself. */
    private List<ProcessHandle> family() {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        return family;
    }

    private static boolean waitFor(ProcessHandle h, long nanos) throws InterruptedException {
        try {
            h.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !h.isAlive();
        }
    }

    /** Waits, at most {@code max}, for the last output lines to be copied. */
    void awaitOutput(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (Thread t : List.of(stdout, stderr)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
    }

    /** The processes {@link #terminate} signalled, and when. */
    private record Terminated(List<ProcessHandle> family, long atNanos) {
    }
}
