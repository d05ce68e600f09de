package io.h2splice.core.config.resiliency;

import java.time.Duration;
import java.util.Set;

/**
 * A Dapr retry policy ({@code spec.policies.retries.<name>}). Dapr's defaults ({@code dapr/kit: retry}): constant
 * 5 s; exponential from 500 ms × 1.5 with 0.5 randomization, capped at {@code maxInterval} 60 s, for at most 15 min;
 * {@code maxRetries} −1 = forever, 0 = no retry.
 *
 * @param grpcStatusCodes {@code matching.gRPCStatusCodes}: only these codes are retried; empty = every non-OK code
 * @param httpStatusCodes {@code matching.httpStatusCodes}, kept for completeness (h2splice proxies gRPC only)
 */
public record RetryPolicy(Kind policy, Duration duration, Duration initialInterval, double randomizationFactor,
        double multiplier, Duration maxInterval, Duration maxElapsedTime, int maxRetries, Set<Integer> grpcStatusCodes,
        Set<Integer> httpStatusCodes) {

    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(5);
    public static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofMillis(500);
    public static final double DEFAULT_RANDOMIZATION_FACTOR = 0.5;
    public static final double DEFAULT_MULTIPLIER = 1.5;
    public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_ELAPSED_TIME = Duration.ofMinutes(15);
    /** Retry forever. */
    public static final int FOREVER = -1;

    /** {@code policy: constant} (Dapr's default) or {@code policy: exponential}. */
    public enum Kind {
        CONSTANT, EXPONENTIAL
    }

    public RetryPolicy {
        if (policy == null) {
            throw new IllegalArgumentException("policy is required");
        }
        requireNotNegative(duration, "duration");
        requireNotNegative(initialInterval, "initialInterval");
        requireNotNegative(maxInterval, "maxInterval");
        requireNotNegative(maxElapsedTime, "maxElapsedTime");
        if (!(randomizationFactor >= 0 && randomizationFactor <= 1)) {
            throw new IllegalArgumentException("randomizationFactor must be between 0 and 1, got " + randomizationFactor);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (maxRetries < FOREVER) {
            throw new IllegalArgumentException("maxRetries must be -1 (forever) or at least 0, got " + maxRetries);
        }
        grpcStatusCodes = StatusCodes.check(grpcStatusCodes, StatusCodes.GRPC_MIN, StatusCodes.GRPC_MAX, "gRPC");
        httpStatusCodes = StatusCodes.check(httpStatusCodes, StatusCodes.HTTP_MIN, StatusCodes.HTTP_MAX, "HTTP");
    }

    /** A policy with Dapr's defaults for everything but the kind. */
    public static RetryPolicy defaults(Kind policy) {
        return new RetryPolicy(policy, DEFAULT_DURATION, DEFAULT_INITIAL_INTERVAL, DEFAULT_RANDOMIZATION_FACTOR,
                DEFAULT_MULTIPLIER, DEFAULT_MAX_INTERVAL, DEFAULT_MAX_ELAPSED_TIME, FOREVER, Set.of(), Set.of());
    }

    /** Whether a call that ended with this gRPC status code may be retried (OK never is). */
    public boolean retries(int grpcCode) {
        return grpcCode != 0 && (grpcStatusCodes.isEmpty() || grpcStatusCodes.contains(grpcCode));
    }

    private static void requireNotNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }
}
