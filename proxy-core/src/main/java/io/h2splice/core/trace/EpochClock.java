package io.h2splice.core.trace;

import java.time.Instant;

/**
 * Turns {@code System.nanoTime()} readings into epoch nanoseconds against one anchor taken at start (as
 * OpenTelemetry's SDK anchors its clock): spans read only the monotonic clock on the event loop.
 */
final class EpochClock {

    private final long anchorEpochNanos;
    private final long anchorNanoTime;

    EpochClock() {
        Instant now = Instant.now();
        this.anchorNanoTime = System.nanoTime();
        this.anchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long epochNanos(long nanoTime) {
        return anchorEpochNanos + (nanoTime - anchorNanoTime);
    }
}
