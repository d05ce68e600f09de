package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.CircuitBreaker;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.Fault;
import io.h2splice.core.testing.Faults;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.Policies;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Circuit breakers on the caller's sidecar, one per (target app, method), through two real sidecars to a grpc-java
 * app that fails on purpose. Any non-OK status of an attempt is a failure (application errors too); once the trip
 * expression holds the breaker opens and calls fail fast with UNAVAILABLE {@code circuit breaker is open} without
 * reaching the app; after its timeout it lets {@code maxRequests} probes through (more get {@code too many
 * requests}); a successful probe closes it, a failed one opens it again. A refusal is never retried.
 *
 * <p>Every test starts its own sidecars, so that breaker state never leaks between tests. A breaker that must stay
 * open for a whole test has a 60 s timeout; one that must close has 500 ms, and the test waits (bounded) for it to
 * become half-open rather than for a time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResiliencyBreakerE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String FLAKY_PATH = "/" + TestService.FLAKY.getFullMethodName();
    private static final String OPEN = "circuit breaker is open";

    private static ResiliencyPolicies breakerOnly(Duration openFor) {
        return Policies.resource("breakers")
                .breaker("cb", Policies.breaker("consecutiveFailures > 2", openFor, 1))
                .app("server", null, null, "cb")
                .app("server.default", null, null, "cb")
                .policies();
    }

    /** Call metadata routed to {@code target} with a fixed {@code x-test-id}, so that calls share a fault plan. */
    private static Metadata md(String target, String key) {
        Metadata md = routedTo(target);
        md.put(ReceivedCall.TEST_ID, key);
        return md;
    }

    private static CallResult flaky(TwoSidecars t, String target, String key) {
        return GrpcCalls.unary(t.channel(), TestService.FLAKY, md(target, key), new byte[] {1});
    }

    private static void tripWithThreeFailures(TwoSidecars t, String key) {
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down", flaky(t, "server", key));
        GrpcCalls.assertStatus(Status.Code.NOT_FOUND, "an application error counts too", flaky(t, "server", key));
        GrpcCalls.assertStatus(Status.Code.INTERNAL, "third failure", flaky(t, "server", key));
    }

    private static List<Fault> threeFailures() {
        return List.of(Fault.fail(Status.UNAVAILABLE.withDescription("down")),
                Fault.fail(Status.NOT_FOUND.withDescription("an application error counts too")),
                Fault.fail(Status.INTERNAL.withDescription("third failure")));
    }

    private static CircuitBreaker.State awaitHalfOpen(CallPolicy policy) {
        CircuitBreaker breaker = policy.breaker(FLAKY_PATH, System.nanoTime());
        // state(now) applies the open → half-open move that the next call would make
        Await.until("the breaker became half-open", WAIT,
                () -> breaker.state(System.nanoTime()) == CircuitBreaker.State.HALF_OPEN);
        return breaker.state();
    }

    @Test
    void theBreakerTripsAfterTheConfiguredFailuresAndFailsFastWithoutCallingTheApp() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(breakerOnly(Duration.ofSeconds(60))).start()) {
            String key = UUID.randomUUID().toString();
            Faults faults = t.serverApp().faults();
            faults.plan(key, threeFailures(), Fault.echo());
            CallPolicy policy = t.sidecarA().resiliency().forTarget("server");

            tripWithThreeFailures(t, key);
            assertEquals(CircuitBreaker.State.OPEN, policy.breaker(FLAKY_PATH, System.nanoTime()).state());
            for (int i = 0; i < 3; i++) {
                CallResult r = flaky(t, "server", key);
                GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, OPEN, r);
                assertTrue(r.trailersOnly(), r.describe());
            }
            assertEquals(3, faults.attempts(key).size(), "an open breaker keeps calls away from the app");
            assertEquals(1, policy.breakerChangeCount(CircuitBreaker.State.OPEN));
            assertTrue(policy.activatedCount(CallPolicy.Kind.CIRCUIT_BREAKER) >= 1);
            assertTrue(policy.executedCount(CallPolicy.Kind.CIRCUIT_BREAKER) > 0, "calls ran under the breaker");
            Await.equals("streams open on A", 0, WAIT, () -> t.sidecarA().metrics().streamsActive());
        }
    }

    @Test
    void afterItsTimeoutAFailedProbeOpensItAgainAndASuccessfulOneClosesIt() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(breakerOnly(ms(500))).start()) {
            String key = UUID.randomUUID().toString();
            Faults faults = t.serverApp().faults();
            List<Fault> plan = new java.util.ArrayList<>(threeFailures());
            plan.add(Fault.fail(Status.UNAVAILABLE.withDescription("the first probe fails")));
            faults.plan(key, plan, Fault.echo());
            CallPolicy policy = t.sidecarA().resiliency().forTarget("server");

            tripWithThreeFailures(t, key);
            assertEquals(CircuitBreaker.State.HALF_OPEN, awaitHalfOpen(policy));
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "the first probe fails", flaky(t, "server", key));
            assertEquals(4, faults.attempts(key).size(), "the probe reached the app");
            assertEquals(CircuitBreaker.State.OPEN, policy.breaker(FLAKY_PATH, System.nanoTime()).state(),
                    "a failed probe opens the breaker again");

            assertEquals(CircuitBreaker.State.HALF_OPEN, awaitHalfOpen(policy));
            assertArrayEquals(new byte[] {1}, flaky(t, "server", key).single());
            assertEquals(CircuitBreaker.State.CLOSED, policy.breaker(FLAKY_PATH, System.nanoTime()).state());
            assertArrayEquals(new byte[] {1}, flaky(t, "server", key).single());
            assertEquals(6, faults.attempts(key).size());
            assertEquals(2, policy.breakerChangeCount(CircuitBreaker.State.OPEN));
            assertEquals(2, policy.breakerChangeCount(CircuitBreaker.State.HALF_OPEN));
            assertEquals(1, policy.breakerChangeCount(CircuitBreaker.State.CLOSED));
        }
    }

    @Test
    void halfOpenRefusesCallsOverItsProbeBudgetWithTooManyRequests() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(breakerOnly(ms(500))).start()) {
            String key = UUID.randomUUID().toString();
            Faults faults = t.serverApp().faults();
            CompletableFuture<Void> release = new CompletableFuture<>();
            List<Fault> plan = new java.util.ArrayList<>(threeFailures());
            plan.add(Fault.hold(release)); // the probe stays in flight until released
            faults.plan(key, plan, Fault.echo());
            CallPolicy policy = t.sidecarA().resiliency().forTarget("server");

            tripWithThreeFailures(t, key);
            awaitHalfOpen(policy);
            RecordingCall probe = GrpcCalls.start(t.channel(), TestService.FLAKY, CallOptions.DEFAULT,
                    md("server", key));
            probe.send(new byte[] {2}).halfClose();
            faults.awaitAttempt(key, 4, WAIT);

            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "too many requests", flaky(t, "server", key));
            assertEquals(4, faults.attempts(key).size(), "the refused call never reached the app");

            release.complete(null);
            assertArrayEquals(new byte[] {2}, probe.await(WAIT).single());
            assertEquals(CircuitBreaker.State.CLOSED, policy.breaker(FLAKY_PATH, System.nanoTime()).state());
        }
    }

    @Test
    void aRefusalByTheBreakerIsNeverRetried() throws Exception {
        ResiliencyPolicies policies = Policies.resource("both")
                .breaker("cb", Policies.breaker("consecutiveFailures > 2", Duration.ofSeconds(60), 1))
                .retry("all", Policies.constant(ms(10), 10))
                .app("server", null, "all", "cb")
                .policies();
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(policies).start()) {
            String key = UUID.randomUUID().toString();
            Faults faults = t.serverApp().faults();
            faults.always(key, Fault.fail(Status.UNAVAILABLE.withDescription("down")));

            // attempts 1-3 fail (the third trips the breaker); the next retry is refused and ends the call
            CallResult r = flaky(t, "server", key);
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, OPEN, r);
            assertEquals(3, faults.attempts(key).size(), "attempts before the breaker opened");

            CallResult next = flaky(t, "server", key);
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, OPEN, next);
            assertEquals(3, faults.attempts(key).size(), "no retry after a refusal");
        }
    }

    @Test
    void breakersOfOtherMethodsAndOtherTargetsAreIndependent() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(breakerOnly(Duration.ofSeconds(60))).start()) {
            String key = UUID.randomUUID().toString();
            t.serverApp().faults().plan(key, threeFailures(), Fault.echo());
            tripWithThreeFailures(t, key);
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, OPEN, flaky(t, "server", key));

            Metadata echo = routedTo("server");
            GrpcCalls.unary(t.channel(), TestService.ECHO, echo, new byte[] {3}).assertOk();
            t.serverApp().awaitCall(echo.get(ReceivedCall.TEST_ID), WAIT);

            // server.default reaches the same app through the same sidecars, under its own breakers
            assertArrayEquals(new byte[] {1}, flaky(t, "server.default", key).single());
            assertEquals(4, t.serverApp().faults().attempts(key).size());
            CallPolicy other = t.sidecarA().resiliency().forTarget("server.default");
            assertEquals(CircuitBreaker.State.CLOSED, other.breaker(FLAKY_PATH, System.nanoTime()).state());
            assertEquals(0, other.breakerChangeCount(CircuitBreaker.State.OPEN));
        }
    }
}
