package io.h2splice.core.config.resiliency;

import java.time.Duration;

/**
 * A Dapr circuit breaker policy ({@code spec.policies.circuitBreakers.<name>}), with gobreaker's defaults.
 *
 * @param maxRequests probes let through while half-open (default 1)
 * @param interval    how often the counts are reset while closed; 0 = never (default)
 * @param timeout     how long the breaker stays open before going half-open (default 60 s)
 * @param trip        the trip expression as written (default {@code consecutiveFailures > 5}); parsed elsewhere
 */
public record CircuitBreakerPolicy(int maxRequests, Duration interval, Duration timeout, String trip) {

    public static final int DEFAULT_MAX_REQUESTS = 1;
    public static final Duration DEFAULT_INTERVAL = Duration.ZERO;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_TRIP = "consecutiveFailures > 5";

    public CircuitBreakerPolicy {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1, got " + maxRequests);
        }
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative, got " + interval);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be longer than 0, got " + timeout);
        }
        if (trip == null || trip.isBlank()) {
            throw new IllegalArgumentException("trip must not be empty");
        }
        trip = trip.strip();
    }

    public static CircuitBreakerPolicy defaults() {
        return new CircuitBreakerPolicy(DEFAULT_MAX_REQUESTS, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_TRIP);
    }
}
