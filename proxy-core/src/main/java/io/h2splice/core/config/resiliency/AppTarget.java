package io.h2splice.core.config.resiliency;

/**
 * {@code spec.targets.apps.<raw dapr-app-id>}: the names of the policies that apply to calls to that app; each may be
 * null.
 *
 * @param circuitBreakerCacheSize how many per-method breakers to keep (LRU; default 100)
 */
public record AppTarget(String timeout, String retry, String circuitBreaker, int circuitBreakerCacheSize) {

    public static final int DEFAULT_CIRCUIT_BREAKER_CACHE_SIZE = 100;

    public AppTarget {
        if (circuitBreakerCacheSize < 1) {
            throw new IllegalArgumentException("circuitBreakerCacheSize must be at least 1, got "
                    + circuitBreakerCacheSize);
        }
    }
}
