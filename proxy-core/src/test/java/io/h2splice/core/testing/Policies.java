package io.h2splice.core.testing;

import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.resiliency.ResiliencyPolicies;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resiliency resources for tests, written as a YAML file would name them:
 * {@code Policies.resource("r").timeout("t", ms(300)).retry("r", Policies.constant(ms(10), 3, 14)).app("server", "t",
 * "r", null).policies()}.
 */
public final class Policies {

    private final String name;
    private final Map<String, Duration> timeouts = new LinkedHashMap<>();
    private final Map<String, RetryPolicy> retries = new LinkedHashMap<>();
    private final Map<String, CircuitBreakerPolicy> breakers = new LinkedHashMap<>();
    private final Map<String, AppTarget> apps = new LinkedHashMap<>();
    private List<String> scopes = List.of();

    private Policies(String name) {
        this.name = name;
    }

    /** A resource with {@code metadata.name: name}. */
    public static Policies resource(String name) {
        return new Policies(name);
    }

    public static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** {@code policy: constant}, {@code duration}, {@code maxRetries}, {@code matching.gRPCStatusCodes} (none = all). */
    public static RetryPolicy constant(Duration duration, int maxRetries, Integer... grpcCodes) {
        RetryPolicy d = RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT);
        return new RetryPolicy(RetryPolicy.Kind.CONSTANT, duration, d.initialInterval(), d.randomizationFactor(),
                d.multiplier(), d.maxInterval(), d.maxElapsedTime(), maxRetries, codes(grpcCodes), Set.of());
    }

    /** {@code policy: exponential} from {@code initial}, ×{@code multiplier}, ±{@code jitter}, capped at {@code max}. */
    public static RetryPolicy exponential(Duration initial, double multiplier, double jitter, Duration max,
                                          Duration maxElapsed, int maxRetries, Integer... grpcCodes) {
        return new RetryPolicy(RetryPolicy.Kind.EXPONENTIAL, RetryPolicy.DEFAULT_DURATION, initial, jitter, multiplier,
                max, maxElapsed, maxRetries, codes(grpcCodes), Set.of());
    }

    /** {@code trip}, {@code timeout} (open → half-open), {@code maxRequests}; {@code interval} 0. */
    public static CircuitBreakerPolicy breaker(String trip, Duration timeout, int maxRequests) {
        return new CircuitBreakerPolicy(maxRequests, Duration.ZERO, timeout, trip);
    }

    public Policies scopes(String... appIds) {
        this.scopes = List.of(appIds);
        return this;
    }

    public Policies timeout(String policy, Duration d) {
        timeouts.put(policy, d);
        return this;
    }

    public Policies retry(String policy, RetryPolicy p) {
        retries.put(policy, p);
        return this;
    }

    public Policies breaker(String policy, CircuitBreakerPolicy p) {
        breakers.put(policy, p);
        return this;
    }

    /** {@code targets.apps.<appId>}: the named policies (each may be null). */
    public Policies app(String appId, String timeout, String retry, String circuitBreaker) {
        apps.put(appId, new AppTarget(timeout, retry, circuitBreaker, AppTarget.DEFAULT_CIRCUIT_BREAKER_CACHE_SIZE));
        return this;
    }

    public Resiliency build() {
        return new Resiliency(name, scopes, timeouts, retries, breakers, apps);
    }

    /** This resource alone, with the default retry buffer. */
    public ResiliencyPolicies policies() {
        return new ResiliencyPolicies(List.of(build()), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
    }

    /** This resource alone, keeping at most {@code maxRetryBuffer} request bytes for a retry. */
    public ResiliencyPolicies policies(int maxRetryBuffer) {
        return new ResiliencyPolicies(List.of(build()), maxRetryBuffer);
    }

    private static Set<Integer> codes(Integer... grpcCodes) {
        return new TreeSet<>(List.of(grpcCodes));
    }
}
