package io.h2splice.core.resiliency;

import io.h2splice.core.config.resiliency.RetryPolicy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The delay before each retry, as Dapr's {@code dapr/kit: retry} computes it with cenkalti/backoff: {@code constant}
 * waits {@code duration} every time; {@code exponential} waits {@code initialInterval × multiplier^(n-1)} capped at
 * {@code maxInterval}, randomized by ±{@code randomizationFactor}, and gives up once {@code maxElapsedTime} has
 * passed since the first attempt. Allocation-free; no state of its own (the call keeps the retry count).
 */
public final class RetryBackoff {

    /** {@link #delayNanos} result: no more retries. */
    public static final long STOP = -1;

    private RetryBackoff() {
    }

    /**
     * @param retry          the retry about to be made, 1 for the first
     * @param elapsedNanos   time since the call's first attempt started
     * @return the delay before retry number {@code retry}, or {@link #STOP}
     */
    public static long delayNanos(RetryPolicy policy, int retry, long elapsedNanos) {
        if (policy.maxRetries() != RetryPolicy.FOREVER && retry > policy.maxRetries()) {
            return STOP;
        }
        if (policy.policy() == RetryPolicy.Kind.CONSTANT) {
            return policy.duration().toNanos();
        }
        long maxElapsed = policy.maxElapsedTime().toNanos();
        if (maxElapsed > 0 && elapsedNanos >= maxElapsed) {
            return STOP;
        }
        double interval = policy.initialInterval().toNanos() * Math.pow(policy.multiplier(), retry - 1);
        double cap = policy.maxInterval().toNanos();
        if (interval > cap) {
            interval = cap;
        }
        double f = policy.randomizationFactor();
        if (f > 0) {
            double delta = f * interval;
            interval = interval - delta + ThreadLocalRandom.current().nextDouble() * (2 * delta);
        }
        return (long) interval;
    }
}
