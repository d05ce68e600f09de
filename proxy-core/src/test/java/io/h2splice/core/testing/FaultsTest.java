package io.h2splice.core.testing;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failing-on-purpose method ({@link TestService#FLAKY}, {@link Faults}) called straight from a grpc-java client,
 * without any sidecar: each fault does on the wire what the resiliency tests say it does, so a failure there points
 * at the proxy.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestApp app;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start("flaky");
        channel = NettyChannelBuilder.forAddress(TwoSidecars.loopback(app.port())).usePlaintext().build();
        GrpcCalls.unary(channel, TestService.ECHO, routedTo(null), new byte[] {1}).assertOk();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        app.close();
    }

    @Test
    void failFirstFailsThatManyAttemptsUnderOneKeyThenEchoes() {
        Metadata md = routedTo("server");
        String key = md.get(ReceivedCall.TEST_ID);
        app.faults().failFirst(key, 2, Status.UNAVAILABLE.withDescription("down on purpose"));
        byte[] req = Payloads.random(300, 1);
        for (int i = 1; i <= 2; i++) {
            CallResult r = GrpcCalls.unary(channel, TestService.FLAKY, md, req);
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "down on purpose", r);
            assertTrue(r.trailersOnly(), r.describe());
            assertEquals(Integer.toString(i), r.trailers().get(Faults.ATTEMPT));
        }
        CallResult ok = GrpcCalls.unary(channel, TestService.FLAKY, md, req);
        Payloads.assertSameBytes("echo", req, ok.single());
        assertEquals("3", ok.headers().get(Faults.ATTEMPT));
        List<Faults.Attempt> attempts = app.faults().attempts(key);
        assertEquals(3, attempts.size());
        for (Faults.Attempt a : attempts) {
            Payloads.assertSameBytes("request of " + a, req, a.requestBytes());
            assertTrue(a.halfClosed());
            assertFalse(a.isCancelled(), a.toString());
        }
    }

    @Test
    void failAfterHeadersSendsHeadersThenTheStatus() {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        app.faults().plan(key, Fault.failAfterHeaders(Status.UNAVAILABLE.withDescription("late")));
        CallResult r = GrpcCalls.unary(channel, TestService.FLAKY, md, new byte[] {1});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "late", r);
        assertFalse(r.trailersOnly(), r.describe());
        assertEquals("1", r.headers().get(Faults.ATTEMPT));
        assertEquals(0, r.messages().size());
    }

    @Test
    void failAfterMessageSendsTheEchoThenTheStatus() {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        app.faults().plan(key, Fault.failAfterMessage(Status.UNAVAILABLE.withDescription("half done")));
        CallResult r = GrpcCalls.unary(channel, TestService.FLAKY, md, new byte[] {1, 2});
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "half done", r);
        assertEquals(1, r.messages().size());
        assertArrayEquals(new byte[] {1, 2}, r.messages().get(0));
    }

    @Test
    void resetSendsRstStreamCancel() {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        app.faults().plan(key, Fault.reset());
        CallResult r = GrpcCalls.unary(channel, TestService.FLAKY, md, new byte[] {1});
        // grpc-java's client reports an RST_STREAM(CANCEL) as CANCELLED naming the HTTP/2 code.
        assertEquals(Status.Code.CANCELLED, r.status().getCode(), r.describe());
        assertTrue(String.valueOf(r.status().getDescription()).contains("RST_STREAM"), r.describe());
        // The client may hear the reset before the app's cancellation listener has run: wait for it.
        app.faults().attempts(key).get(0).call().awaitCancelled(WAIT);
    }

    @Test
    void delayHonoursCancellation() {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        app.faults().plan(key, Fault.delay(Duration.ofSeconds(30)), Fault.delay(Duration.ofMillis(10)));
        RecordingCall call = GrpcCalls.start(channel, TestService.FLAKY, CallOptions.DEFAULT, md);
        call.send(new byte[] {1}).halfClose();
        Faults.Attempt first = app.faults().awaitAttempt(key, 1, WAIT);
        call.cancel("the test gives up");
        assertEquals(Status.Code.CANCELLED, call.await(WAIT).status().getCode());
        first.call().awaitCancelled(WAIT);
        CallResult second = GrpcCalls.unary(channel, TestService.FLAKY, md, new byte[] {2});
        assertArrayEquals(new byte[] {2}, second.single());
    }

    @Test
    void holdAnswersWhenReleased() {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        CompletableFuture<Void> release = new CompletableFuture<>();
        app.faults().plan(key, Fault.hold(release));
        RecordingCall call = GrpcCalls.start(channel, TestService.FLAKY, CallOptions.DEFAULT, md);
        call.send(new byte[] {9}).halfClose();
        app.faults().awaitAttempt(key, 1, WAIT);
        assertFalse(call.isDone());
        release.complete(null);
        assertArrayEquals(new byte[] {9}, call.await(WAIT).single());
    }

    @Test
    void runCallsTheHookThenHangs() throws Exception {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        CountDownLatch ran = new CountDownLatch(1);
        app.faults().plan(key, Fault.run(ran::countDown));
        RecordingCall call = GrpcCalls.start(channel, TestService.FLAKY, CallOptions.DEFAULT, md);
        call.send(new byte[] {9}).halfClose();
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertFalse(call.isDone());
        call.cancel("done");
        app.faults().awaitAttempt(key, 1, WAIT).call().awaitCancelled(WAIT);
    }

    @Test
    void severalRequestMessagesAreRecordedAndEchoedConcatenated() {
        Metadata md = routedTo(null);
        String key = md.get(ReceivedCall.TEST_ID);
        CallResult r = GrpcCalls.call(channel, TestService.FLAKY_STREAMING, CallOptions.DEFAULT, md,
                List.of(new byte[] {1, 2}, new byte[] {3}, new byte[0], new byte[] {4}));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, r.single());
        List<byte[]> got = app.faults().attempts(key).get(0).messages();
        assertEquals(4, got.size());
        assertArrayEquals(new byte[] {3}, got.get(1));
    }
}
