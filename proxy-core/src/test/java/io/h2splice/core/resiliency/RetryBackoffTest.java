package io.h2splice.core.resiliency;

import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.testing.Policies;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delay before each retry, as dapr/kit's {@code retry} (cenkalti/backoff) computes it: constant waits
 * {@code duration} every time; exponential grows from {@code initialInterval} by {@code multiplier}, is capped at
 * {@code maxInterval} before it is randomized by ±{@code randomizationFactor}, and stops after {@code maxElapsedTime};
 * {@code maxRetries} bounds both (−1 = forever, 0 = never).
 */
class RetryBackoffTest {

    private static final long MS = 1_000_000L;

    @Test
    void constantWaitsTheSameDurationUpToMaxRetries() {
        RetryPolicy p = Policies.constant(ms(250), 3);
        for (int retry = 1; retry <= 3; retry++) {
            assertEquals(250 * MS, RetryBackoff.delayNanos(p, retry, retry * 250 * MS), "retry " + retry);
        }
        assertEquals(RetryBackoff.STOP, RetryBackoff.delayNanos(p, 4, 0));
    }

    @Test
    void maxRetriesZeroNeverRetries() {
        assertEquals(RetryBackoff.STOP, RetryBackoff.delayNanos(Policies.constant(ms(10), 0), 1, 0));
        RetryPolicy exp = Policies.exponential(ms(10), 2, 0, ms(100), Duration.ofMinutes(15), 0);
        assertEquals(RetryBackoff.STOP, RetryBackoff.delayNanos(exp, 1, 0));
    }

    @Test
    void foreverNeverStopsOnCount() {
        RetryPolicy p = Policies.constant(ms(10), RetryPolicy.FOREVER);
        assertEquals(10 * MS, RetryBackoff.delayNanos(p, 1, 0));
        assertEquals(10 * MS, RetryBackoff.delayNanos(p, 1_000_000, 0));
        // a constant back-off has no elapsed-time bound (dapr/kit uses backoff.ConstantBackOff)
        assertEquals(10 * MS, RetryBackoff.delayNanos(p, 7, Duration.ofHours(2).toNanos()));
    }

    @Test
    void exponentialWithoutJitterGrowsByTheMultiplierThenStaysAtTheCap() {
        RetryPolicy p = Policies.exponential(ms(500), 1.5, 0, ms(3000), Duration.ofMinutes(15), RetryPolicy.FOREVER);
        long[] expected = {500, 750, 1125, 1687, 2531, 3000, 3000, 3000};
        for (int i = 0; i < expected.length; i++) {
            long d = RetryBackoff.delayNanos(p, i + 1, 0);
            // 1687.5 and 2531.25 ms: allow the sub-millisecond rounding of either direction
            assertTrue(Math.abs(d - expected[i] * MS) < MS, "retry " + (i + 1) + ": " + d / 1e6 + " ms");
        }
        assertEquals(3000 * MS, RetryBackoff.delayNanos(p, 500, 0), "no overflow far past the cap");
    }

    @Test
    void exponentialJitterStaysWithinItsBoundsAndVaries() {
        RetryPolicy p = Policies.exponential(ms(100), 2, 0.5, ms(1000), Duration.ofMinutes(15), RetryPolicy.FOREVER);
        // retry 3: 100 × 2² = 400 ms, randomized within [200, 600] ms
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 2000; i++) {
            long d = RetryBackoff.delayNanos(p, 3, 0);
            assertTrue(d >= 200 * MS && d <= 600 * MS, d / 1e6 + " ms is outside 400 ms ± 50 %");
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min < 300 * MS && max > 500 * MS, "jitter spreads the delays: " + min / 1e6 + ".." + max / 1e6);
        // at the cap the randomization applies to the capped interval: within [500, 1500] ms
        for (int i = 0; i < 2000; i++) {
            long d = RetryBackoff.delayNanos(p, 20, 0);
            assertTrue(d >= 500 * MS && d <= 1500 * MS, d / 1e6 + " ms is outside 1000 ms ± 50 %");
        }
    }

    @Test
    void exponentialStopsAtMaxRetriesAndAfterMaxElapsedTime() {
        RetryPolicy p = Policies.exponential(ms(10), 2, 0, ms(1000), ms(5000), 4);
        assertEquals(80 * MS, RetryBackoff.delayNanos(p, 4, 0));
        assertEquals(RetryBackoff.STOP, RetryBackoff.delayNanos(p, 5, 0));
        assertEquals(10 * MS, RetryBackoff.delayNanos(p, 1, 4999 * MS));
        assertEquals(RetryBackoff.STOP, RetryBackoff.delayNanos(p, 1, 5000 * MS));
        assertEquals(RetryBackoff.STOP, RetryBackoff.delayNanos(p, 2, 6000 * MS));
        // maxElapsedTime 0: never stops on time
        RetryPolicy unbounded = Policies.exponential(ms(10), 2, 0, ms(1000), Duration.ZERO, RetryPolicy.FOREVER);
        assertEquals(1000 * MS, RetryBackoff.delayNanos(unbounded, 30, Duration.ofDays(1).toNanos()));
    }

    @Test
    void daprDefaultsGiveHalfASecondFirst() {
        RetryPolicy exp = RetryPolicy.defaults(RetryPolicy.Kind.EXPONENTIAL);
        long d = RetryBackoff.delayNanos(exp, 1, 0);
        assertTrue(d >= 250 * MS && d <= 750 * MS, d / 1e6 + " ms");
        assertEquals(Duration.ofSeconds(5).toNanos(),
                RetryBackoff.delayNanos(RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT), 1, 0));
    }
}
