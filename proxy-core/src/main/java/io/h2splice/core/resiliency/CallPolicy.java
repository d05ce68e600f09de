package io.h2splice.core.resiliency;

import io.h2splice.core.config.resiliency.RetryPolicy;

import java.util.concurrent.atomic.LongAdder;

/**
 * The resiliency policies that apply to calls to one target (a raw {@code dapr-app-id} value, such as {@code server}
 * or {@code server.production}) on the caller's sidecar: a per-attempt timeout, a retry policy and a circuit breaker
 * per method, each optional. Made once per target by {@link ResiliencyPolicies} and shared by every event loop;
 * immutable but for its counters (lock-free) and its breakers (see {@link CircuitBreakers}).
 */
public final class CallPolicy {

    /** What a policy part is, as Dapr's metrics label it ({@code policy} label). */
    public enum Kind {
        TIMEOUT("timeout"), RETRY("retry"), CIRCUIT_BREAKER("circuitbreaker");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** No policy: no timeout, no retry beyond the refused-stream one, no breaker. */
    public static final CallPolicy NONE = new CallPolicy("", null, null, null, 0, null, null, null,
            ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);

    private final String target;
    private final String timeoutResource;
    private final String retryResource;
    private final String breakerResource;
    private final long timeoutNanos;
    private final RetryPolicy retry;
    private final CircuitBreakers breakers;
    private final String breakerPolicyName;
    private final int maxRetryBuffer;
    private final LongAdder[] executed = adders();
    private final LongAdder[] activated = adders();
    private final LongAdder[] breakerChanges = new LongAdder[CircuitBreaker.State.values().length];

    /**
     * @param timeoutResource the {@code metadata.name} of the resource the timeout came from (null: no timeout)
     * @param timeoutNanos    the per-attempt timeout, 0 for none
     * @param retry           null for none
     * @param breakers        this target's breakers, one per method; null for none
     * @param maxRetryBuffer  the most request bytes kept to replay a call for a retry
     */
    CallPolicy(String target, String timeoutResource, String retryResource, String breakerResource,
               long timeoutNanos, RetryPolicy retry, CircuitBreakers breakers, String breakerPolicyName,
               int maxRetryBuffer) {
        this.target = target;
        this.timeoutResource = timeoutResource;
        this.retryResource = retryResource;
        this.breakerResource = breakerResource;
        this.timeoutNanos = timeoutNanos;
        this.retry = retry;
        this.breakers = breakers;
        this.breakerPolicyName = breakerPolicyName;
        this.maxRetryBuffer = maxRetryBuffer;
        for (int i = 0; i < breakerChanges.length; i++) {
            breakerChanges[i] = new LongAdder();
        }
    }

    /** True when no part applies: the call runs as without any resiliency file. */
    public boolean isNone() {
        return timeoutNanos == 0 && retry == null && breakers == null;
    }

    /** The raw {@code dapr-app-id} value this policy was looked up with. */
    public String target() {
        return target;
    }

    /** Per-attempt timeout in nanoseconds; 0 when there is none. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The retry policy, or null. */
    public RetryPolicy retry() {
        return retry;
    }

    /** The most request bytes kept for a retry; a call whose request is larger is not retried by the policy. */
    public int maxRetryBuffer() {
        return maxRetryBuffer;
    }

    /** This target's breaker for {@code method} (the call's {@code :path}), or null when no breaker applies. */
    public CircuitBreaker breaker(CharSequence method, long nowNanos) {
        return breakers == null ? null : breakers.get(target, method, nowNanos);
    }

    /** This target's breakers, or null. */
    public CircuitBreakers breakers() {
        return breakers;
    }

    /** The name of the breaker policy in force, or null. */
    public String breakerPolicyName() {
        return breakerPolicyName;
    }

    /** The {@code metadata.name} of the resource that gave this part, or null when the part does not apply. */
    public String resource(Kind kind) {
        return switch (kind) {
            case TIMEOUT -> timeoutResource;
            case RETRY -> retryResource;
            case CIRCUIT_BREAKER -> breakerResource;
        };
    }

    /** A call started under this part of the policy ({@code dapr_resiliency_count}). */
    public void executed(Kind kind) {
        executed[kind.ordinal()].increment();
    }

    /** The part acted: a timeout fired, a retry was made, a breaker changed state ({@code dapr_resiliency_activations_total}). */
    public void activated(Kind kind) {
        activated[kind.ordinal()].increment();
    }

    /** One of this target's breakers changed to {@code to}: an activation of the breaker, labelled by the state. */
    public void breakerChanged(CircuitBreaker.State to) {
        breakerChanges[to.ordinal()].increment();
        activated(Kind.CIRCUIT_BREAKER);
    }

    /** How many times one of this target's breakers changed to {@code to}. */
    public long breakerChangeCount(CircuitBreaker.State to) {
        return breakerChanges[to.ordinal()].sum();
    }

    public long executedCount(Kind kind) {
        return executed[kind.ordinal()].sum();
    }

    public long activatedCount(Kind kind) {
        return activated[kind.ordinal()].sum();
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "no policy";
        }
        StringBuilder b = new StringBuilder("target ").append(target).append(':');
        if (timeoutNanos > 0) {
            b.append(" timeout ").append(java.time.Duration.ofNanos(timeoutNanos));
        }
        if (retry != null) {
            b.append(" retry ").append(retry.policy().name().toLowerCase(java.util.Locale.ROOT))
                    .append(retry.maxRetries() == RetryPolicy.FOREVER ? " forever" : " ×" + retry.maxRetries());
        }
        if (breakers != null) {
            b.append(" circuit breaker ").append(breakerPolicyName);
        }
        return b.toString();
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[Kind.values().length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
