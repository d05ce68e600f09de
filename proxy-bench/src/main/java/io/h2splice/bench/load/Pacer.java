package io.h2splice.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The open-loop schedule: send {@code i} is due at {@code start + i / rate}, whatever happened to the sends before it.
 * A send released late (the event loop was busy, or {@code maxOutstanding} was reached because the system under test
 * stalled) keeps its intended time, and its latency is measured from that time: this is the correction for coordinated
 * omission (Gil Tene), so a stall shows as the many slow calls users would have seen, not as one.
 *
 * <p>Not thread-safe: owned by the load generator's event loop.
 */
public final class Pacer {

    private final long startNanos;
    private final double nanosPerSend;
    private long next;

    /** @param ratePerSecond sends per second, over all streams or calls */
    public Pacer(long startNanos, double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be > 0");
        }
        this.startNanos = startNanos;
        this.nanosPerSend = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
    }

    /** The intended time of send {@code i} (0-based). */
    public long intended(long i) {
        return startNanos + (long) Math.floor(i * nanosPerSend);
    }

    /**
     * Hands every send due by {@code now} to {@code send} (with its intended time), at most {@code max} of them.
     *
     * @return how many were released
     */
    public int release(long now, int max, LongConsumer send) {
        int released = 0;
        while (released < max && intended(next) <= now) {
            send.accept(intended(next));
            next++;
            released++;
        }
        return released;
    }

    /** Nanoseconds from {@code now} until the next send is due; 0 when it is overdue. */
    public long nanosUntilNext(long now) {
        return Math.max(0, intended(next) - now);
    }

    /** Sends released so far. */
    public long released() {
        return next;
    }
}
