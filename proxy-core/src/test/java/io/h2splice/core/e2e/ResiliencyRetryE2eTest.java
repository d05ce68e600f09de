package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.Fault;
import io.h2splice.core.testing.Faults;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.LogCapture;
import io.h2splice.core.testing.MetricsPage;
import io.h2splice.core.testing.Payloads;
import io.h2splice.core.testing.Policies;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries on the caller's sidecar, through two real sidecars to a grpc-java app that fails on purpose
 * ({@link Faults}). A retry happens only when the attempt ended (a matching status in the trailers, a reset stream, a
 * lost connection or a failed dial) before any response DATA reached the client, and only while the request fits in
 * the retry buffer; the app then sees every attempt with the same request bytes, and the client sees only the last.
 *
 * <p>Targets: {@code server} retries UNAVAILABLE and CANCELLED (what a reset stream maps to) up to 3 times;
 * {@code server.default} (the same sidecar B, another raw app id) retries every non-OK code up to 2 times. Both
 * with a 10 ms constant back-off. A reaches B through a relay the test can cut.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResiliencyRetryE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String TRANSIENT = "server";
    private static final String EVERYTHING = "server.default";
    private static final String REQ_SENT = "dapr_runtime_service_invocation_req_sent_total{app_id=\"client\","
            + "dst_app_id=\"server\",type=\"unary\"}";

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder().withRelayToB().resiliencyA(
            Policies.resource("retries")
                    .retry("transient", Policies.constant(ms(10), 3, Status.Code.UNAVAILABLE.value(),
                            Status.Code.CANCELLED.value()))
                    .retry("everything", Policies.constant(ms(10), 2))
                    .app(TRANSIENT, null, "transient", null)
                    .app(EVERYTHING, null, "everything", null)
                    .policies()));

    private static Faults faults() {
        return NET.get().serverApp().faults();
    }

    private static CallPolicy policy(String target) {
        return NET.get().sidecarA().resiliency().forTarget(target);
    }

    private static long retries(String target) {
        return policy(target).activatedCount(CallPolicy.Kind.RETRY);
    }

    @Test
    void aRetriedUnaryCallSucceedsAndTheAppSawEveryAttemptWithTheSameBytes() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 2, Status.UNAVAILABLE.withDescription("down on purpose"));
        byte[] request = Payloads.random(1000, 7);
        long retriesBefore = retries(TRANSIENT);
        long sentBefore = MetricsPage.value(NET.get().sidecarA().metricsPort(), REQ_SENT);

        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, request);

        Payloads.assertSameBytes("response", request, r.single());
        assertEquals("3", r.headers().get(Faults.ATTEMPT), "the client sees the third attempt's response");
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(3, attempts.size(), "attempts at the app: " + attempts);
        for (Faults.Attempt a : attempts) {
            assertEquals(1, a.messages().size(), a.toString());
            Payloads.assertSameBytes("request bytes of " + a, request, a.requestBytes());
            assertEquals(attempts.get(0).call().headers().keys(), a.call().headers().keys(),
                    "request metadata of " + a);
        }
        assertEquals(2, retries(TRANSIENT) - retriesBefore, "retry activations");
        assertTrue(policy(TRANSIENT).executedCount(CallPolicy.Kind.RETRY) > 0, "calls run under the retry policy");
        assertEquals(3, MetricsPage.value(NET.get().sidecarA().metricsPort(), REQ_SENT) - sentBefore,
                "each attempt counts as a request sent");
    }

    @Test
    void anEmptyMatchingListRetriesApplicationErrorsToo() {
        Metadata md = routedTo(EVERYTHING);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 1, Status.NOT_FOUND.withDescription("no such thing (yet)"));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {4, 2});
        assertArrayEquals(new byte[] {4, 2}, r.single());
        assertEquals(2, faults().attempts(key).size());
    }

    @Test
    void aStatusOutsideTheMatchingListIsNotRetried() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 1, Status.NOT_FOUND.withDescription("no such thing"));
        long before = retries(TRANSIENT);
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {1});
        GrpcCalls.assertStatus(Status.Code.NOT_FOUND, "no such thing", r);
        assertEquals("1", r.trailers().get(Faults.ATTEMPT), "the app's own trailers reach the client");
        // any retry would have come before the client's status: the count is final
        assertEquals(1, faults().attempts(key).size());
        assertEquals(0, retries(TRANSIENT) - before);
    }

    @Test
    void retriesStopAtMaxRetriesAndTheLastStatusReachesTheClient() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().always(key, Fault.fail(Status.UNAVAILABLE.withDescription("still down")));
        long before = retries(TRANSIENT);
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {1});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "still down", r);
        assertEquals("4", r.trailers().get(Faults.ATTEMPT));
        assertEquals(4, faults().attempts(key).size(), "1 attempt + maxRetries 3");
        assertEquals(3, retries(TRANSIENT) - before);
    }

    @Test
    void aFailureAfterResponseHeadersIsRetriedAndTheClientSeesOnlyTheLastHeaders() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().plan(key, Fault.failAfterHeaders(Status.UNAVAILABLE.withDescription("headers, then down")));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {5});
        assertArrayEquals(new byte[] {5}, r.single());
        assertEquals(List.of("2"), attemptHeaders(r.headers().getAll(Faults.ATTEMPT)),
                "the first attempt's response headers were held back, then dropped");
        assertEquals(2, faults().attempts(key).size());
    }

    @Test
    void aFailureAfterResponseDataIsNotRetried() {
        Metadata md = routedTo(EVERYTHING);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().plan(key, Fault.failAfterMessage(Status.UNAVAILABLE.withDescription("half an answer")));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {6});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "half an answer", r);
        assertEquals(1, r.messages().size(), "the message the app sent before failing");
        assertEquals(1, faults().attempts(key).size());
    }

    @Test
    void aResetStreamIsRetried() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().plan(key, Fault.reset());
        long before = retries(TRANSIENT);
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {7});
        assertArrayEquals(new byte[] {7}, r.single());
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(2, attempts.size());
        attempts.get(0).call().awaitCancelled(WAIT); // the app reset its first attempt (its listener may run late)
        assertEquals(1, retries(TRANSIENT) - before);
    }

    @Test
    void aLostConnectionToTheCalleeSidecarIsRetriedOnAFreshOne() {
        TwoSidecars t = NET.get();
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().plan(key, Fault.run(t.relayToB()::abortAll)); // cuts A↔B while attempt 1 waits at the app
        long before = retries(TRANSIENT);
        CallResult r = GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {8});
        assertArrayEquals(new byte[] {8}, r.single());
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(2, attempts.size());
        attempts.get(0).call().awaitCancelled(WAIT); // B cancels what its lost caller left behind
        Payloads.assertSameBytes("replayed request", attempts.get(0).requestBytes(), attempts.get(1).requestBytes());
        assertEquals(1, retries(TRANSIENT) - before);
    }

    @Test
    void aFailedDialIsRetried() throws Exception {
        TwoSidecars t = NET.get();
        t.resolverA().nextLookup("server", "default", TwoSidecars.loopback(closedPort())); // attempt 1 only
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        long before = retries(TRANSIENT);
        long failedDials = t.sidecarA().metrics().dials(true, false);
        CallResult r = GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {9});
        assertArrayEquals(new byte[] {9}, r.single());
        assertEquals(1, t.sidecarA().metrics().dials(true, false) - failedDials, "attempt 1's dial was refused");
        assertEquals(1, faults().attempts(key).size(), "the failed dial never reached the app");
        assertEquals(1, retries(TRANSIENT) - before);
    }

    @Test
    void aConnectionResetAsSoonAsItIsAcceptedStillEndsInOneAnswer() {
        // The relay resets the connection right after accepting it: the kernel finished the TCP handshake already,
        // so A sees either a failed dial or a connection lost under its first stream. Either way the call succeeds,
        // and the app sees one attempt.
        TwoSidecars t = NET.get();
        dropConnectionsToB(t);
        int rejectedBefore = t.relayToB().rejected();
        t.relayToB().rejectNext(1);
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        CallResult r = GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {9});
        assertArrayEquals(new byte[] {9}, r.single());
        assertEquals(1, t.relayToB().rejected() - rejectedBefore, "the first connection was reset");
        assertEquals(1, faults().attempts(key).size(), "the reset connection never reached the app");
    }

    @Test
    void aRequestLargerThanTheRetryBufferIsNotRetriedAndADebugLineSaysWhy() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 1, Status.UNAVAILABLE.withDescription("down once"));
        byte[] request = Payloads.random(ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER + 16 * 1024, 11);
        long before = retries(TRANSIENT);
        CallResult r;
        List<LogRecord> lines;
        try (LogCapture log = LogCapture.debug("io.h2splice.core.splice")) {
            r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, request);
            lines = log.containing("not retried");
        }
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down once", r);
        assertEquals(1, faults().attempts(key).size());
        Payloads.assertSameBytes("request at the app", request, faults().attempts(key).get(0).requestBytes());
        assertEquals(0, retries(TRANSIENT) - before);
        assertEquals(1, lines.size(), "one debug line for the call not retried: " + lines.stream()
                .map(LogRecord::getMessage).toList());
        assertEquals(Level.FINE, lines.get(0).getLevel(), "logged at DEBUG");
        assertTrue(lines.get(0).getMessage().contains("buffer"), "the line names the reason: "
                + lines.get(0).getMessage());
    }

    @Test
    void aRequestWithinTheRetryBufferIsRetried() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 1, Status.UNAVAILABLE.withDescription("down once"));
        byte[] request = Payloads.random(ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER - 4 * 1024, 12);
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, request);
        Payloads.assertSameBytes("response", request, r.single());
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(2, attempts.size());
        Payloads.assertSameBytes("replayed request", request, attempts.get(1).requestBytes());
    }

    @Test
    void aClientStreamingRequestIsReplayedWhole() {
        Metadata md = routedTo(TRANSIENT);
        String key = md.get(ReceivedCall.TEST_ID);
        faults().failFirst(key, 1, Status.UNAVAILABLE.withDescription("down once"));
        List<byte[]> messages = List.of(Payloads.random(100, 1), Payloads.random(2000, 2), new byte[0],
                Payloads.random(5, 3));
        CallResult r = GrpcCalls.call(NET.get().channel(), TestService.FLAKY_STREAMING, CallOptions.DEFAULT, md,
                messages);
        r.assertOk();
        List<Faults.Attempt> attempts = faults().attempts(key);
        assertEquals(2, attempts.size());
        for (Faults.Attempt a : attempts) {
            assertEquals(messages.size(), a.messages().size(), a.toString());
            for (int i = 0; i < messages.size(); i++) {
                Payloads.assertSameBytes("message " + i + " of " + a, messages.get(i), a.messages().get(i));
            }
        }
    }

    @Test
    void aDaprStreamIsNotRetriedOnceItIsOpen() {
        Metadata md = routedTo(TRANSIENT);
        md.put(ascii("dapr-stream"), "true");
        String key = md.get(ReceivedCall.TEST_ID);
        faults().plan(key, Fault.failAfterHeaders(Status.UNAVAILABLE.withDescription("stream broke")));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.FLAKY, md, new byte[] {1});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "stream broke", r);
        assertEquals(1, faults().attempts(key).size());
    }

    @Test
    void aDaprStreamThatFailsToOpenIsRetried() throws Exception {
        TwoSidecars t = NET.get();
        t.resolverA().nextLookup("server", "default", TwoSidecars.loopback(closedPort()));
        Metadata md = routedTo(TRANSIENT);
        md.put(ascii("dapr-stream"), "true");
        String key = md.get(ReceivedCall.TEST_ID);
        long before = retries(TRANSIENT);
        CallResult r = GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {3});
        assertArrayEquals(new byte[] {3}, r.single());
        assertEquals(1, faults().attempts(key).size());
        assertEquals(1, retries(TRANSIENT) - before);
    }

    @Test
    void nothingIsLeftOpenAfterTheRetries() {
        TwoSidecars t = NET.get();
        Metadata md = routedTo(TRANSIENT);
        faults().failFirst(md.get(ReceivedCall.TEST_ID), 3, Status.UNAVAILABLE);
        GrpcCalls.unary(t.channel(), TestService.FLAKY, md, new byte[] {1}).assertOk();
        Await.equals("streams open on A", 0, WAIT, () -> t.sidecarA().metrics().streamsActive());
        Await.equals("streams open on B", 0, WAIT, () -> t.sidecarB().metrics().streamsActive());
    }

    @Test
    void theRetryBufferIsTheOneThePoliciesWereMadeWith() throws Exception {
        ResiliencyPolicies small = Policies.resource("small-buffer")
                .retry("r", Policies.constant(ms(10), 3))
                .app(TRANSIENT, null, "r", null)
                .policies(1024);
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(small).start()) {
            Faults faults = t.serverApp().faults();
            Metadata big = routedTo(TRANSIENT);
            faults.failFirst(big.get(ReceivedCall.TEST_ID), 1, Status.UNAVAILABLE.withDescription("down once"));
            CallResult r = GrpcCalls.unary(t.channel(), TestService.FLAKY, big, new byte[4096]);
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down once", r);
            assertEquals(1, faults.attempts(big.get(ReceivedCall.TEST_ID)).size(), "4 KiB > the 1 KiB buffer");

            Metadata fits = routedTo(TRANSIENT);
            faults.failFirst(fits.get(ReceivedCall.TEST_ID), 1, Status.UNAVAILABLE.withDescription("down once"));
            assertArrayEquals(new byte[512], GrpcCalls.unary(t.channel(), TestService.FLAKY, fits,
                    new byte[512]).single());
            assertEquals(2, faults.attempts(fits.get(ReceivedCall.TEST_ID)).size());
        }
    }

    @Test
    void anExponentialBackOffRetriesToo() throws Exception {
        ResiliencyPolicies exponential = Policies.resource("exponential")
                .retry("r", Policies.exponential(ms(10), 2, 0.5, ms(40), Duration.ofMinutes(1), 3))
                .app(TRANSIENT, null, "r", null)
                .policies();
        try (TwoSidecars t = TwoSidecars.builder().resiliencyA(exponential).start()) {
            Metadata md = routedTo(TRANSIENT);
            String key = md.get(ReceivedCall.TEST_ID);
            t.serverApp().faults().failFirst(key, 3, Status.UNAVAILABLE.withDescription("down"));
            assertArrayEquals(new byte[] {1}, GrpcCalls.unary(t.channel(), TestService.FLAKY, md,
                    new byte[] {1}).single());
            assertEquals(4, t.serverApp().faults().attempts(key).size());
            assertEquals(3, t.sidecarA().resiliency().forTarget(TRANSIENT).activatedCount(CallPolicy.Kind.RETRY));
        }
    }

    /** A loopback port nothing listens on (bound by the OS, then closed): a dial to it is refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Cuts A's pooled connections to B and waits until A noticed, so that the next call dials. */
    private static void dropConnectionsToB(TwoSidecars t) {
        t.relayToB().abortAll();
        Await.equals("A's open connections to B", 0, WAIT,
                () -> t.sidecarA().metrics().connectionsOpen(ProxyMetrics.Side.UPSTREAM_SIDECAR));
    }

    private static List<String> attemptHeaders(Iterable<String> values) {
        List<String> out = new java.util.ArrayList<>();
        if (values != null) {
            values.forEach(out::add);
        }
        assertFalse(out.isEmpty(), "no x-attempt header in the response");
        return out;
    }
}
