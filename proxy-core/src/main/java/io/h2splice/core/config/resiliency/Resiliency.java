package io.h2splice.core.config.resiliency;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Dapr {@code Resiliency} resource: named policies and the apps they apply to. Immutable; every policy name a
 * target refers to is defined.
 *
 * @param name     {@code metadata.name}
 * @param scopes   the app ids that load this resource; empty = every app
 * @param timeouts {@code spec.policies.timeouts}: name → timeout (0 = none)
 * @param apps     {@code spec.targets.apps}: raw dapr-app-id → policy names
 */
public record Resiliency(String name, List<String> scopes, Map<String, Duration> timeouts,
        Map<String, RetryPolicy> retries, Map<String, CircuitBreakerPolicy> circuitBreakers,
        Map<String, AppTarget> apps) {

    /** Reserved policy names Dapr applies to targets without a policy of their own. */
    public static final String DEFAULT_RETRY = "DefaultRetryPolicy";
    public static final String DEFAULT_TIMEOUT = "DefaultTimeoutPolicy";
    public static final String DEFAULT_CIRCUIT_BREAKER = "DefaultCircuitBreakerPolicy";
    /** The same, for apps only; they win over the general ones. */
    public static final String DEFAULT_APP_RETRY = "DefaultAppRetryPolicy";
    public static final String DEFAULT_APP_TIMEOUT = "DefaultAppTimeoutPolicy";
    public static final String DEFAULT_APP_CIRCUIT_BREAKER = "DefaultAppCircuitBreakerPolicy";

    public Resiliency {
        name = name == null ? "" : name;
        scopes = List.copyOf(scopes == null ? List.of() : scopes);
        timeouts = copy(timeouts);
        retries = copy(retries);
        circuitBreakers = copy(circuitBreakers);
        apps = copy(apps);
        for (Duration d : timeouts.values()) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("a timeout must not be negative, got " + d);
            }
        }
        for (Map.Entry<String, AppTarget> e : apps.entrySet()) {
            String problem = undefined(e.getKey(), e.getValue(), timeouts, retries, circuitBreakers);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** Whether the app with this id loads this resource. */
    public boolean appliesTo(String appId) {
        return scopes.isEmpty() || scopes.contains(appId);
    }

    /** The first policy name the target refers to that is not defined, as a message; null when all are. */
    private static String undefined(String app, AppTarget t, Map<String, Duration> timeouts,
            Map<String, RetryPolicy> retries, Map<String, CircuitBreakerPolicy> circuitBreakers) {
        if (t.timeout() != null && !timeouts.containsKey(t.timeout())) {
            return missing(app, "timeout", t.timeout());
        }
        if (t.retry() != null && !retries.containsKey(t.retry())) {
            return missing(app, "retry", t.retry());
        }
        if (t.circuitBreaker() != null && !circuitBreakers.containsKey(t.circuitBreaker())) {
            return missing(app, "circuit breaker", t.circuitBreaker());
        }
        return null;
    }

    private static String missing(String app, String kind, String policy) {
        return "target app '" + app + "' refers to " + kind + " policy '" + policy + "', which is not defined";
    }

    private static <V> Map<String, V> copy(Map<String, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
