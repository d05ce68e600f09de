package io.h2splice.bench.soak;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The soak's schedule: the rate climbs linearly from 0 to {@code rate} over the first {@code rampSeconds}, then stays
 * there. Send {@code i} is due at {@code √(2 T i / r)} during the ramp (T the ramp, r the rate) and at
 * {@code T + (i − r T / 2) / r} after it, whatever happened to the sends before it (open loop, as
 * {@link io.h2splice.bench.load.Pacer}). Freshly started sidecars interpret their code until the JIT has compiled
 * it, so the full rate from the first second piles calls up on a busy machine; the ramp ends long before the
 * warm-up mark the verdict starts from.
 *
 * <p>Not thread-safe: owned by the load's event loop.
 */
final class Ramp {

    static final double RAMP_SECONDS = 30;

    private final long startNanos;
    private final double rate;
    private final double rampSeconds;
    private long next;

    Ramp(long startNanos, double rate, double rampSeconds) {
        if (!(rate > 0) || rampSeconds < 0) {
            throw new IllegalArgumentException("rate must be > 0 and the ramp >= 0");
        }
        this.startNanos = startNanos;
        this.rate = rate;
        this.rampSeconds = rampSeconds;
    }

    /** When send {@code i} (from 0) is due. */
    long intended(long i) {
        double inRamp = rate * rampSeconds / 2;  // sends due during the ramp
        double seconds = i < inRamp ? Math.sqrt(2 * rampSeconds * i / rate) : rampSeconds + (i - inRamp) / rate;
        return startNanos + (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    /** Hands every send due by {@code now} to {@code send}, at most {@code max}; returns how many. */
    int release(long now, int max, LongConsumer send) {
        int released = 0;
        while (released < max && intended(next) <= now) {
            send.accept(intended(next));
            next++;
            released++;
        }
        return released;
    }

    /** Nanoseconds from {@code now} until the next send is due; 0 when it is overdue. */
    long nanosUntilNext(long now) {
        return Math.max(0, intended(next) - now);
    }
}
