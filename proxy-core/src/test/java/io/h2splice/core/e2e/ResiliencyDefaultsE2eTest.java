package io.h2splice.core.e2e;

import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.Fault;
import io.h2splice.core.testing.Faults;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.Policies;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Which policy a call gets, end to end: a target without an entry in {@code targets.apps} gets the
 * {@code DefaultApp*Policy} of each kind, else the {@code Default*Policy}; a target with an entry gets only what it
 * names; without any resource there is neither retry nor timeout.
 *
 * <p>Resource: {@code DefaultRetryPolicy} 5 retries, {@code DefaultAppRetryPolicy} 1 retry (wins),
 * {@code DefaultTimeoutPolicy} 1 s; {@code server.default} names only a 30 s timeout. {@code server} has no entry.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResiliencyDefaultsE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The default timeout: long enough for a quick answer on a slow, shared machine. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    /** Longer than the default timeout, whatever the machine's speed. */
    private static final Duration SLOW_ANSWER = Duration.ofMillis(3500);

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder().resiliencyA(
            Policies.resource("defaults")
                    .retry(Resiliency.DEFAULT_RETRY, Policies.constant(ms(10), 5))
                    .retry(Resiliency.DEFAULT_APP_RETRY, Policies.constant(ms(10), 1))
                    .timeout(Resiliency.DEFAULT_TIMEOUT, DEFAULT_TIMEOUT)
                    .timeout("own", Duration.ofSeconds(30))
                    .app("server.default", "own", null, null)
                    .policies()));

    private static Faults faults() {
        return NET.get().serverApp().faults();
    }

    @Test
    void aTargetWithoutAnEntryGetsTheDefaultAppRetryOverTheGeneralOne() {
        Metadata md = routedTo("server");
        String key = md.get(ReceivedCall.TEST_ID);
        faults().always(key, Fault.fail(Status.UNAVAILABLE.withDescription("down")));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {1});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down", r);
        assertEquals(2, faults().attempts(key).size(), "1 attempt + DefaultAppRetryPolicy's 1 retry (not 5)");
        CallPolicy p = NET.get().sidecarA().resiliency().forTarget("server");
        assertEquals(1, p.retry().maxRetries());
    }

    @Test
    void aTargetWithoutAnEntryGetsTheDefaultTimeout() {
        Metadata md = routedTo("server");
        String key = md.get(ReceivedCall.TEST_ID);
        faults().always(key, Fault.hang());
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {2});
        GrpcCalls.assertStatus(Status.Code.DEADLINE_EXCEEDED, "context deadline exceeded", r);
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(2, attempts.size(), "the default retry (every code) retries the timeout once");
        for (Faults.Attempt a : attempts) {
            a.call().awaitCancelled(WAIT);
        }
    }

    @Test
    void aTargetWithAnEntryGetsOnlyWhatItNames() {
        Metadata md = routedTo("server.default");
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 1, Status.UNAVAILABLE.withDescription("down once"));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {3});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down once", r);
        assertEquals(1, faults().attempts(key).size(), "no default retry for a target with its own entry");

        // its own 30 s timeout, not the 3 s default
        Metadata slow = routedTo("server.default");
        faults().plan(slow.get(ReceivedCall.TEST_ID), Fault.delay(SLOW_ANSWER));
        assertArrayEquals(new byte[] {4}, GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, slow,
                new byte[] {4}).single());
    }

    @Test
    void withoutAnyResourceThereIsNoRetryAndNoTimeout() throws Exception {
        try (TwoSidecars t = TwoSidecars.start()) {
            assertSame(CallPolicy.NONE, t.sidecarA().resiliency().forTarget("server"));
            Faults faults = t.serverApp().faults();
            Metadata md = routedTo("server");
            String key = md.get(ReceivedCall.TEST_ID);
            faults.failFirst(key, 1, Status.UNAVAILABLE.withDescription("down once"));
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down once",
                    GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {5}));
            assertEquals(1, faults.attempts(key).size());

            Metadata slow = routedTo("server");
            faults.plan(slow.get(ReceivedCall.TEST_ID), Fault.delay(SLOW_ANSWER));
            assertArrayEquals(new byte[] {6}, GrpcCalls.unary(t.channel(), TestService.FLAKY, slow,
                    new byte[] {6}).single());
        }
    }
}
