package io.h2splice.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Progress on standard error: step, topology, scenario, phase and seconds left. On a terminal one line is rewritten
 * every second; otherwise (a log, CI) a line is printed per phase.
 */
final class Progress {

    private final PrintStream err;
    private final boolean terminal;
    private int steps;
    private int step;
    private String where = "";
    private int lastLength;

    Progress(PrintStream err, boolean terminal, int steps) {
        this.err = err;
        this.terminal = terminal;
        this.steps = steps;
    }

    /** A phase outside the (topology, scenario) steps, such as a topology's warm-up: the prefix of what follows. */
    void context(String what) {
        where = what;
        show(what);
    }

    /** The number of (topology, scenario) pairs that will run, once the topologies have started. */
    void steps(int n) {
        steps = n;
    }

    /** The next (topology, scenario) pair. */
    void next(String topology, String scenario) {
        step++;
        where = String.format(Locale.ROOT, "[%d/%d] %s · %s", step, steps, topology, scenario);
    }

    /** A status between steps ({@code starting 2hop}): no step prefix. */
    void between(String what) {
        where = "";
        show(what);
    }

    /** A one-off status of the current step ({@code connecting}), or of the run ({@code starting 2hop}). */
    void status(String what) {
        show(prefix() + what);
    }

    /** A message that stays (an error, a skipped topology): ends the rewritten line first. */
    void message(String line) {
        clear();
        err.println("proxy-bench: " + line);
        err.flush();
    }

    /** Waits {@code millis}, showing the phase and the seconds left. */
    void phase(String phase, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        if (!terminal) {
            show(prefix() + phase + " " + seconds(millis));
            TimeUnit.MILLISECONDS.sleep(millis);
            return;
        }
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            show(prefix() + phase + " · " + seconds(TimeUnit.NANOSECONDS.toMillis(left)) + " left");
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        }
    }

    private String prefix() {
        return where.isEmpty() ? "" : where + " · ";
    }

    /** Ends the rewritten line. */
    void clear() {
        if (terminal && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            lastLength = 0;
        }
    }

    private void show(String line) {
        if (terminal) {
            String padded = line + " ".repeat(Math.max(0, lastLength - line.length()));
            err.print("\r" + padded);
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    static String seconds(long millis) {
        return millis % 1000 == 0 || millis >= 10_000 ? (millis + 999) / 1000 + " s"
                : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
