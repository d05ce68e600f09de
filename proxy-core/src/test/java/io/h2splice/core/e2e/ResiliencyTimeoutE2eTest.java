package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.Fault;
import io.h2splice.core.testing.Faults;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.Policies;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resiliency timeout on the caller's sidecar, through two real sidecars to a grpc-java app that does not answer
 * in time. It is per attempt (retry wraps it), never beyond the client's own deadline; when it fires the upstream
 * stream is reset with CANCEL (the app sees its call cancelled) and the client gets DEADLINE_EXCEEDED
 * {@code context deadline exceeded} unless the retry policy retries code 4. A {@code dapr-stream} call is covered
 * only while it opens; any other stream is killed at the timeout.
 *
 * <p>Targets: {@code server}: 3 s per attempt, retried on DEADLINE_EXCEEDED only, up to 2 times, 10 ms apart;
 * {@code server.default}: 300 ms, retried on UNAVAILABLE only (so a timeout is not retried). The 3 s target is the
 * one whose successful attempts must fit in the timeout: it leaves room on a slow, shared machine (1 s was seen to
 * be too little once, with other builds on the same 2 cores).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResiliencyTimeoutE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration ATTEMPT = Duration.ofSeconds(3);
    private static final String RETRIED = "server";
    private static final String SHORT = "server.default";
    private static final int CANCEL = 0x8;

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder().resiliencyA(
            Policies.resource("timeouts")
                    .timeout("attempt", ATTEMPT)
                    .timeout("short", ms(300))
                    .retry("onDeadline", Policies.constant(ms(10), 2, Status.Code.DEADLINE_EXCEEDED.value()))
                    .retry("onUnavailable", Policies.constant(ms(10), 3, Status.Code.UNAVAILABLE.value()))
                    .app(RETRIED, "attempt", "onDeadline", null)
                    .app(SHORT, "short", "onUnavailable", null)
                    .policies()));

    private static Faults faults() {
        return NET.get().serverApp().faults();
    }

    private static CallPolicy policy(String target) {
        return NET.get().sidecarA().resiliency().forTarget(target);
    }

    private static long activations(String target, CallPolicy.Kind kind) {
        return policy(target).activatedCount(kind);
    }

    @Test
    void aTimeoutEndsTheCallWithDeadlineExceededResetsUpstreamAndLeavesNothingOpen() {
        TwoSidecars t = NET.get();
        Metadata md = routedTo(SHORT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().always(key, Fault.hang());
        long timeoutsBefore = activations(SHORT, CallPolicy.Kind.TIMEOUT);
        long retriesBefore = activations(SHORT, CallPolicy.Kind.RETRY);
        long cancelsAtB = t.sidecarB().metrics().resetsReceived(CANCEL);

        CallResult r = GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {1});

        GrpcCalls.assertStatus(Status.Code.DEADLINE_EXCEEDED, "context deadline exceeded", r);
        Faults.Attempt attempt = faults().awaitAttempt(key, 1, WAIT);
        attempt.call().awaitCancelled(WAIT);
        assertEquals(1, faults().attempts(key).size(), "a timeout is not retried when code 4 does not match");
        assertEquals(1, activations(SHORT, CallPolicy.Kind.TIMEOUT) - timeoutsBefore, "timeout activations");
        assertEquals(0, activations(SHORT, CallPolicy.Kind.RETRY) - retriesBefore, "retry activations");
        assertTrue(policy(SHORT).executedCount(CallPolicy.Kind.TIMEOUT) > 0, "calls run under the timeout");
        // The app can see its call cancelled by its own deadline (grpc-timeout went along) a moment before A's
        // RST_STREAM reaches B: wait for it rather than read the counter once.
        Await.until("B received A's RST_STREAM(CANCEL) for the timed-out attempt", WAIT,
                () -> t.sidecarB().metrics().resetsReceived(CANCEL) > cancelsAtB);
        Await.equals("streams open on A", 0, WAIT, () -> t.sidecarA().metrics().streamsActive());
        Await.equals("streams open on B", 0, WAIT, () -> t.sidecarB().metrics().streamsActive());
    }

    @Test
    void theTimeoutIsPerAttemptAndATimedOutAttemptIsRetriedWhenCode4Matches() {
        Metadata md = routedTo(RETRIED);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().plan(key, Fault.hang()); // then echo
        long timeoutsBefore = activations(RETRIED, CallPolicy.Kind.TIMEOUT);
        long retriesBefore = activations(RETRIED, CallPolicy.Kind.RETRY);

        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {2, 3});

        assertArrayEquals(new byte[] {2, 3}, r.single());
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(2, attempts.size(), attempts.toString());
        attempts.get(0).call().awaitCancelled(WAIT);
        assertArrayEquals(attempts.get(0).requestBytes(), attempts.get(1).requestBytes());
        assertEquals(1, activations(RETRIED, CallPolicy.Kind.TIMEOUT) - timeoutsBefore);
        assertEquals(1, activations(RETRIED, CallPolicy.Kind.RETRY) - retriesBefore);
    }

    @Test
    void timedOutAttemptsUseUpTheRetriesThenTheClientGetsDeadlineExceeded() {
        Metadata md = routedTo(RETRIED);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().always(key, Fault.hang());
        long timeoutsBefore = activations(RETRIED, CallPolicy.Kind.TIMEOUT);

        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {4});

        GrpcCalls.assertStatus(Status.Code.DEADLINE_EXCEEDED, "context deadline exceeded", r);
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(3, attempts.size(), "1 attempt + maxRetries 2: " + attempts);
        for (Faults.Attempt a : attempts) {
            a.call().awaitCancelled(WAIT);
        }
        assertEquals(3, activations(RETRIED, CallPolicy.Kind.TIMEOUT) - timeoutsBefore);
    }

    @Test
    void eachAttemptTellsTheAppItsOwnDeadline() {
        Metadata md = routedTo(RETRIED);
        String key = md.get(ReceivedCall.TEST_ID);
        // the client allows 30 s; the policy allows each attempt 3 s
        CallResult r = GrpcCalls.call(NET.get().channel(), TestService.FLAKY,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), md, List.of(new byte[] {5}));
        r.assertOk();
        Long remaining = faults().attempts(key).get(0).call().deadlineRemainingNanos();
        assertNotNull(remaining, "the app got no grpc-timeout");
        assertTrue(remaining <= ATTEMPT.toNanos(), "the app's deadline is the attempt's, not the client's 30 s: "
                + remaining / 1e6 + " ms");
    }

    @Test
    void theClientsOwnShorterDeadlineWinsAndNothingIsRetriedAfterIt() {
        TwoSidecars t = NET.get();
        GrpcCalls.unary(t.channel(), TestService.ECHO, routedTo(RETRIED), new byte[] {1}).assertOk(); // warm
        Metadata md = routedTo(RETRIED);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().always(key, Fault.hang());

        CallResult r = GrpcCalls.call(t.channel(), TestService.FLAKY,
                CallOptions.DEFAULT.withDeadlineAfter(500, TimeUnit.MILLISECONDS), md, List.of(new byte[] {6}));

        assertEquals(Status.Code.DEADLINE_EXCEEDED, r.status().getCode(), r.describe());
        Await.equals("streams open on A", 0, WAIT, () -> t.sidecarA().metrics().streamsActive());
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertTrue(attempts.size() <= 1, "no attempt after the client's own deadline: " + attempts);
        for (Faults.Attempt a : attempts) {
            Long remaining = a.call().deadlineRemainingNanos();
            assertNotNull(remaining, "the app got no grpc-timeout");
            assertTrue(remaining <= ms(500).toNanos(), "the attempt's deadline goes beyond the client's 500 ms: "
                    + remaining / 1e6 + " ms");
            a.call().awaitCancelled(WAIT);
        }
    }

    @Test
    void aDaprStreamOutlivesTheTimeoutWhileAPlainStreamIsKilledByIt() {
        TwoSidecars t = NET.get();
        Metadata streamMd = routedTo(RETRIED);
        streamMd.put(ascii("dapr-stream"), "true");
        RecordingCall stream = GrpcCalls.start(t.channel(), TestService.CHAT, CallOptions.DEFAULT, streamMd);
        stream.send(new byte[] {1});
        assertArrayEquals(new byte[] {1}, stream.awaitMessage(WAIT));

        // Started after the dapr-stream one: once this one has been killed by the timeout, the other one is older
        // than the timeout too. No clock is read.
        Metadata plainMd = routedTo(RETRIED);
        RecordingCall plain = GrpcCalls.start(t.channel(), TestService.CHAT, CallOptions.DEFAULT, plainMd);
        plain.send(new byte[] {2});
        assertArrayEquals(new byte[] {2}, plain.awaitMessage(WAIT));
        CallResult killed = plain.await(WAIT);
        GrpcCalls.assertStatus(Status.Code.DEADLINE_EXCEEDED, "context deadline exceeded", killed);
        t.serverApp().awaitCall(plainMd.get(ReceivedCall.TEST_ID), WAIT).awaitCancelled(WAIT);

        assertFalse(stream.isDone(), () -> "the dapr-stream call ended with the timeout: "
                + stream.future().join().describe());
        stream.send(new byte[] {3});
        assertArrayEquals(new byte[] {3}, stream.awaitMessage(WAIT));
        stream.halfClose();
        CallResult done = stream.await(WAIT);
        done.assertOk();
        assertEquals(2, done.messages().size());
    }
}
