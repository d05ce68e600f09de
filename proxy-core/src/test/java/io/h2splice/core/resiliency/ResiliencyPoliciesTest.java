package io.h2splice.core.resiliency;

import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.testing.Policies;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which policy a target gets (Dapr's {@code EndpointPolicy}): a target named in {@code targets.apps} gets exactly
 * what it names; any other gets {@code DefaultApp*Policy}, else {@code Default*Policy}, of each kind; resources merge
 * in load order, a later one winning; no resource means no policy at all.
 */
class ResiliencyPoliciesTest {

    private static final String PATH = "/pkg.Svc/Method";
    private static final RetryPolicy THREE = Policies.constant(ms(10), 3, 14);
    private static final RetryPolicy FIVE = Policies.constant(ms(20), 5);

    @Test
    void noResourceMeansNoPolicy() {
        assertSame(CallPolicy.NONE, ResiliencyPolicies.NONE.forTarget("server"));
        assertFalse(ResiliencyPolicies.NONE.isActive());
        ResiliencyPolicies empty = new ResiliencyPolicies(List.of(), 1024);
        CallPolicy p = empty.forTarget("server.production");
        assertSame(CallPolicy.NONE, p);
        assertTrue(p.isNone());
        assertEquals(0, p.timeoutNanos());
        assertNull(p.retry());
        assertNull(p.breaker(PATH, System.nanoTime()));
        assertEquals(ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER, CallPolicy.NONE.maxRetryBuffer());
    }

    @Test
    void aNamedTargetGetsExactlyWhatItNamesAndNoDefaults() {
        ResiliencyPolicies policies = Policies.resource("r")
                .timeout("general", ms(300))
                .timeout(Resiliency.DEFAULT_TIMEOUT, ms(900))
                .retry(Resiliency.DEFAULT_RETRY, FIVE)
                .breaker(Resiliency.DEFAULT_CIRCUIT_BREAKER, Policies.breaker("consecutiveFailures > 2", ms(500), 1))
                .app("server", "general", null, null)
                .policies();
        CallPolicy p = policies.forTarget("server");
        assertEquals(ms(300).toNanos(), p.timeoutNanos());
        assertNull(p.retry(), "a named target without a retry gets none, not the default");
        assertNull(p.breakers(), "a named target without a breaker gets none, not the default");
        assertNull(p.breaker(PATH, System.nanoTime()));
        assertEquals("r", p.resource(CallPolicy.Kind.TIMEOUT));
        assertNull(p.resource(CallPolicy.Kind.RETRY));
        assertNull(p.resource(CallPolicy.Kind.CIRCUIT_BREAKER));
        assertEquals("server", p.target());
        assertFalse(p.isNone());
    }

    @Test
    void otherTargetsGetTheDefaults() {
        ResiliencyPolicies policies = Policies.resource("r")
                .timeout(Resiliency.DEFAULT_TIMEOUT, ms(900))
                .retry(Resiliency.DEFAULT_RETRY, FIVE)
                .breaker(Resiliency.DEFAULT_CIRCUIT_BREAKER, Policies.breaker("consecutiveFailures > 2", ms(500), 1))
                .app("server", null, null, null)
                .policies();
        CallPolicy p = policies.forTarget("other");
        assertEquals(ms(900).toNanos(), p.timeoutNanos());
        assertSame(FIVE, p.retry());
        assertEquals(Resiliency.DEFAULT_CIRCUIT_BREAKER, p.breakerPolicyName());
        assertNotNull(p.breaker(PATH, System.nanoTime()));
        // "server" has an entry naming nothing: it gets nothing
        assertTrue(policies.forTarget("server").isNone());
        // the raw app id is the key: server.default is another target, without an entry
        assertSame(FIVE, policies.forTarget("server.default").retry());
    }

    @Test
    void defaultAppPoliciesWinOverTheGeneralDefaultsKindByKind() {
        RetryPolicy appRetry = Policies.constant(ms(1), 1);
        ResiliencyPolicies policies = Policies.resource("r")
                .timeout(Resiliency.DEFAULT_TIMEOUT, ms(900))
                .timeout(Resiliency.DEFAULT_APP_TIMEOUT, ms(700))
                .retry(Resiliency.DEFAULT_RETRY, FIVE)
                .retry(Resiliency.DEFAULT_APP_RETRY, appRetry)
                .breaker(Resiliency.DEFAULT_CIRCUIT_BREAKER, Policies.breaker("consecutiveFailures > 2", ms(500), 1))
                .policies();
        CallPolicy p = policies.forTarget("anyone");
        assertEquals(ms(700).toNanos(), p.timeoutNanos());
        assertSame(appRetry, p.retry());
        // no DefaultAppCircuitBreakerPolicy: the general default applies for that kind
        assertEquals(Resiliency.DEFAULT_CIRCUIT_BREAKER, p.breakerPolicyName());
    }

    @Test
    void resourcesMergeInLoadOrderALaterDefinitionWinning() {
        Resiliency first = Policies.resource("first")
                .timeout("t", ms(100))
                .retry("r", THREE)
                .retry(Resiliency.DEFAULT_RETRY, THREE)
                .app("server", "t", "r", null)
                .app("checkout", "t", null, null)
                .build();
        Resiliency second = Policies.resource("second")
                .timeout("t", ms(200))               // same policy name: the later one wins
                .retry("r", FIVE)
                .retry(Resiliency.DEFAULT_RETRY, FIVE) // same default: the later one wins
                .app("server", null, "r", null)        // same target: the later entry wins, whole
                .build();
        ResiliencyPolicies policies = new ResiliencyPolicies(List.of(first, second), 4096);
        assertEquals(List.of(first, second), policies.resources());

        CallPolicy server = policies.forTarget("server");
        assertEquals(0, server.timeoutNanos(), "the later entry for server names no timeout");
        assertSame(FIVE, server.retry(), "its retry 'r' as the second resource defines it");
        assertEquals("second", server.resource(CallPolicy.Kind.RETRY));

        CallPolicy checkout = policies.forTarget("checkout");
        // policy names are one namespace over all resources: the first resource's target gets the second's 't'
        assertEquals(ms(200).toNanos(), checkout.timeoutNanos(), "timeout 't' as the second resource defines it");
        assertEquals("second", checkout.resource(CallPolicy.Kind.TIMEOUT));
        assertNull(checkout.retry());

        CallPolicy other = policies.forTarget("other");
        assertSame(FIVE, other.retry());
        assertEquals("second", other.resource(CallPolicy.Kind.RETRY));
        assertEquals(4096, other.maxRetryBuffer());
        assertEquals(4096, server.maxRetryBuffer());
    }

    @Test
    void scopesAreTheLoadersJob() {
        // ResiliencyPolicies gets only the resources this sidecar loads: a scope is not checked again here.
        ResiliencyPolicies policies = Policies.resource("r").scopes("someone-else")
                .retry(Resiliency.DEFAULT_RETRY, FIVE).policies();
        assertSame(FIVE, policies.forTarget("server").retry());
        assertTrue(policies.resources().get(0).appliesTo("someone-else"));
        assertFalse(policies.resources().get(0).appliesTo("client"));
    }

    @Test
    void aTargetsPolicyIsMadeOnceAndKept() {
        ResiliencyPolicies policies = Policies.resource("r")
                .breaker("cb", Policies.breaker("consecutiveFailures > 2", ms(500), 1))
                .breaker(Resiliency.DEFAULT_CIRCUIT_BREAKER, Policies.breaker("consecutiveFailures > 2", ms(500), 1))
                .app("server", null, null, "cb")
                .policies();
        assertSame(policies.forTarget("server"), policies.forTarget("server"));
        assertSame(policies.forTarget("other"), policies.forTarget("other"));
        assertNotSame(policies.forTarget("server"), policies.forTarget("server.default"));
        assertTrue(policies.policiesInUse().contains(policies.forTarget("server")));
    }

    @Test
    void breakersArePerMethodAndIndependent() {
        CallPolicy p = Policies.resource("r")
                .breaker("cb", Policies.breaker("consecutiveFailures > 1", Duration.ofMinutes(1), 1))
                .app("server", null, null, "cb")
                .policies().forTarget("server");
        long now = System.nanoTime();
        CircuitBreaker a = p.breaker("/pkg.Svc/A", now);
        CircuitBreaker b = p.breaker("/pkg.Svc/B", now);
        assertNotSame(a, b);
        assertSame(a, p.breaker("/pkg.Svc/A", now));
        assertEquals("server:/pkg.Svc/A", a.name());
        for (int i = 0; i < 2; i++) {
            long token = a.tryAcquire(now);
            assertTrue(CircuitBreaker.admitted(token));
            a.onFailure(now, token);
        }
        assertEquals(CircuitBreaker.State.OPEN, a.state(now));
        assertEquals(CircuitBreaker.REJECTED_OPEN, a.tryAcquire(now));
        assertEquals(CircuitBreaker.State.CLOSED, b.state(now));
        assertTrue(CircuitBreaker.admitted(b.tryAcquire(now)));
        // each change is counted on the target's policy
        assertEquals(1, p.breakerChangeCount(CircuitBreaker.State.OPEN));
        assertEquals(0, p.breakerChangeCount(CircuitBreaker.State.HALF_OPEN));
        assertEquals(1, p.activatedCount(CallPolicy.Kind.CIRCUIT_BREAKER));
    }

    @Test
    void aZeroTimeoutIsNoTimeout() {
        CallPolicy p = Policies.resource("r").timeout("none", Duration.ZERO).app("server", "none", null, null)
                .policies().forTarget("server");
        assertEquals(0, p.timeoutNanos());
        assertNull(p.resource(CallPolicy.Kind.TIMEOUT));
        assertTrue(p.isNone());
    }

    @Test
    void countersStartAtZeroAndMoveByKind() {
        CallPolicy p = Policies.resource("r").retry("r", THREE).app("server", null, "r", null).policies()
                .forTarget("server");
        for (CallPolicy.Kind k : CallPolicy.Kind.values()) {
            assertEquals(0, p.executedCount(k));
            assertEquals(0, p.activatedCount(k));
        }
        p.executed(CallPolicy.Kind.RETRY);
        p.activated(CallPolicy.Kind.RETRY);
        p.activated(CallPolicy.Kind.RETRY);
        assertEquals(1, p.executedCount(CallPolicy.Kind.RETRY));
        assertEquals(2, p.activatedCount(CallPolicy.Kind.RETRY));
        assertEquals(0, p.activatedCount(CallPolicy.Kind.TIMEOUT));
    }

    @Test
    void aNegativeRetryBufferIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ResiliencyPolicies(List.of(), -1));
        assertEquals(0, new ResiliencyPolicies(List.of(), 0).maxRetryBuffer());
    }
}
