package io.h2splice.core.resiliency;

import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every Resiliency resource this sidecar loaded, resolved per target as Dapr's {@code EndpointPolicy} does: a target
 * named in {@code spec.targets.apps} (the raw {@code dapr-app-id}, such as {@code server.production}) gets exactly the
 * policies it names; any other target gets the {@code DefaultApp*Policy}, else the {@code Default*Policy}, of each
 * kind. Several resources are merged in load order; a later target or default of the same name wins. Calls to the
 * sidecar's own app get no policy (Dapr applies resiliency on the remote path only).
 *
 * <p>Each target's {@link CallPolicy} is made once and kept (its breakers and counters live in it): a call looks it
 * up through its cached route, so the call path never comes here. Targets without an entry of their own are kept up
 * to {@link #MAX_DEFAULT_TARGETS}, then the cache starts again (their breakers with it). Thread-safe.
 */
public final class ResiliencyPolicies {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(ResiliencyPolicies.class);

    /** {@code --max-retry-buffer}'s default: request bytes kept per call to replay it for a retry. */
    public static final int DEFAULT_MAX_RETRY_BUFFER = 64 * 1024;
    static final int MAX_DEFAULT_TARGETS = 1024;

    /** No resource loaded: every target gets {@link CallPolicy#NONE}. */
    public static final ResiliencyPolicies NONE = new ResiliencyPolicies(List.of(), DEFAULT_MAX_RETRY_BUFFER);

    /** A named policy and the resource it came from. */
    private record Named<T>(String resource, String name, T policy) {
    }

    private final List<Resiliency> resources;
    private final int maxRetryBuffer;
    private final Map<String, Named<Duration>> timeouts = new HashMap<>();
    private final Map<String, Named<RetryPolicy>> retries = new HashMap<>();
    private final Map<String, Named<CircuitBreakerPolicy>> breakers = new HashMap<>();
    private final Map<String, TripExpression> trips = new HashMap<>();
    /** Target → (resource, target), the last resource naming it. */
    private final Map<String, Named<AppTarget>> targets = new HashMap<>();
    private final Named<Duration> defaultTimeout;
    private final Named<RetryPolicy> defaultRetry;
    private final Named<CircuitBreakerPolicy> defaultBreaker;
    private final ConcurrentHashMap<String, CallPolicy> named = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CallPolicy> defaulted = new ConcurrentHashMap<>();

    /**
     * @param resources      the loaded resources, in load order (those scoped to other apps are already left out)
     * @param maxRetryBuffer {@code --max-retry-buffer} in bytes
     * @throws IllegalArgumentException for a trip expression that does not parse (the loader checks them first)
     */
    public ResiliencyPolicies(List<Resiliency> resources, int maxRetryBuffer) {
        if (maxRetryBuffer < 0) {
            throw new IllegalArgumentException("max retry buffer must not be negative, got " + maxRetryBuffer);
        }
        this.resources = List.copyOf(resources);
        this.maxRetryBuffer = maxRetryBuffer;
        for (Resiliency r : this.resources) {
            r.timeouts().forEach((n, d) -> timeouts.put(n, new Named<>(r.name(), n, d)));
            r.retries().forEach((n, p) -> retries.put(n, new Named<>(r.name(), n, p)));
            r.circuitBreakers().forEach((n, p) -> {
                breakers.put(n, new Named<>(r.name(), n, p));
                trips.put(n, TripExpression.parse(p.trip()));
            });
            r.apps().forEach((app, t) -> targets.put(app, new Named<>(r.name(), app, t)));
        }
        defaultTimeout = firstOf(timeouts, Resiliency.DEFAULT_APP_TIMEOUT, Resiliency.DEFAULT_TIMEOUT);
        defaultRetry = firstOf(retries, Resiliency.DEFAULT_APP_RETRY, Resiliency.DEFAULT_RETRY);
        defaultBreaker = firstOf(breakers, Resiliency.DEFAULT_APP_CIRCUIT_BREAKER, Resiliency.DEFAULT_CIRCUIT_BREAKER);
    }

    /** The resources loaded, in load order. */
    public List<Resiliency> resources() {
        return resources;
    }

    public int maxRetryBuffer() {
        return maxRetryBuffer;
    }

    /** True when at least one resource was loaded. */
    public boolean isActive() {
        return !resources.isEmpty();
    }

    /**
     * The policy for calls to {@code target} (the raw {@code dapr-app-id} value). Not for the call path: routes keep
     * what this returns.
     */
    public CallPolicy forTarget(String target) {
        Objects.requireNonNull(target, "target");
        if (resources.isEmpty()) {
            return CallPolicy.NONE;
        }
        Named<AppTarget> t = targets.get(target);
        if (t != null) {
            return named.computeIfAbsent(target, k -> ofTarget(k, t));
        }
        CallPolicy p = defaulted.get(target);
        if (p == null) {
            if (defaulted.size() >= MAX_DEFAULT_TARGETS) {
                defaulted.clear();
            }
            p = defaulted.computeIfAbsent(target, this::ofDefaults);
        }
        return p;
    }

    /** Every target's policy made so far (for the metrics page). */
    public Collection<CallPolicy> policiesInUse() {
        List<CallPolicy> all = new ArrayList<>(named.values());
        all.addAll(defaulted.values());
        return all;
    }

    /** One line per resource for the startup log. */
    public String describe() {
        if (resources.isEmpty()) {
            return "no resiliency policies";
        }
        StringBuilder b = new StringBuilder();
        for (Resiliency r : resources) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append("resiliency '").append(r.name()).append("': ").append(r.timeouts().size()).append(" timeout(s), ")
                    .append(r.retries().size()).append(" retry policy(ies), ").append(r.circuitBreakers().size())
                    .append(" circuit breaker(s), ").append(r.apps().size()).append(" app target(s)");
        }
        return b.toString();
    }

    private CallPolicy ofTarget(String target, Named<AppTarget> named) {
        AppTarget t = named.policy();
        // Policy names are one namespace over all resources, as in Dapr's merged maps: a later definition wins.
        Named<Duration> timeout = t.timeout() == null ? null : timeouts.get(t.timeout());
        Named<RetryPolicy> retry = t.retry() == null ? null : retries.get(t.retry());
        Named<CircuitBreakerPolicy> breaker = t.circuitBreaker() == null ? null : breakers.get(t.circuitBreaker());
        return make(target, timeout, retry, breaker, t.circuitBreakerCacheSize());
    }

    private CallPolicy ofDefaults(String target) {
        return make(target, defaultTimeout, defaultRetry, defaultBreaker, AppTarget.DEFAULT_CIRCUIT_BREAKER_CACHE_SIZE);
    }

    private CallPolicy make(String target, Named<Duration> timeout, Named<RetryPolicy> retry,
                            Named<CircuitBreakerPolicy> breaker, int cacheSize) {
        long timeoutNanos = timeout == null ? 0 : timeout.policy().toNanos();
        CallPolicy[] self = new CallPolicy[1];
        CircuitBreakers cache = null;
        if (breaker != null) {
            CircuitBreakerPolicy p = breaker.policy();
            TripExpression trip = trips.get(breaker.name());
            CircuitBreaker.Listener listener = (name, from, to) -> {
                log.info("circuit breaker {} ({}) changed from {} to {}", name, breaker.name(), from.label(), to.label());
                self[0].breakerChanged(to);
            };
            cache = new CircuitBreakers(cacheSize, (app, method, now) -> new CircuitBreaker(app + ":" + method,
                    p.maxRequests(), p.interval().toNanos(), p.timeout().toNanos(), trip, listener, now));
        }
        CallPolicy policy = new CallPolicy(target, timeout == null || timeoutNanos == 0 ? null : timeout.resource(),
                retry == null ? null : retry.resource(), breaker == null ? null : breaker.resource(), timeoutNanos,
                retry == null ? null : retry.policy(), cache, breaker == null ? null : breaker.name(), maxRetryBuffer);
        self[0] = policy;
        if (!policy.isNone()) {
            log.debug("resiliency for calls to {}: {}", target, policy);
        }
        return policy;
    }

    private static <T> Named<T> firstOf(Map<String, Named<T>> byName, String preferred, String fallback) {
        Named<T> n = byName.get(preferred);
        return n != null ? n : byName.get(fallback);
    }
}
