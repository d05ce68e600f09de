package io.h2splice.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Polls a condition that another thread makes true (a gauge returning to 0, a breaker moving on its clock), with a
 * generous limit that only guards against a hang: the time it took is never asserted.
 */
public final class Await {

    private static final long POLL_MS = 10;

    private Await() {
    }

    /** Waits until {@code condition} holds; AssertionError naming {@code what} after {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": still not so after " + limit.toMillis() + " ms");
            }
            pause();
        }
    }

    /** Waits until {@code value} reads {@code expected}; AssertionError with the last value after {@code limit}. */
    public static void equals(String what, long expected, Duration limit, LongSupplier value) {
        long deadline = System.nanoTime() + limit.toNanos();
        long v;
        while ((v = value.getAsLong()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": expected " + expected + " but still " + v + " after "
                        + limit.toMillis() + " ms");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
