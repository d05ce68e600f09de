package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deadlines, cancellation and a dying app: every end of a call travels through both sidecars within a bounded
 * time, and the client always gets a gRPC status, never a hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationE2eTest {

    /** Acceptable statuses when the app dies under a call. */
    private static final Set<Status.Code> APP_GONE =
            Set.of(Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.CANCELLED, Status.Code.UNKNOWN);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    private static void warmUp(TwoSidecars t) {
        // Connections A->B and B->app are dialled before the timed part of a test.
        GrpcCalls.unary(t.channel(), TestService.ECHO, routedTo("server"), new byte[] {1}).assertOk();
    }

    @Test
    void clientDeadlinePropagatesToTheApp() {
        warmUp(NET.get());
        Metadata md = routedTo("server");
        long start = System.nanoTime();
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.HANG,
                CallOptions.DEFAULT.withDeadlineAfter(100, TimeUnit.MILLISECONDS), md);
        call.send(new byte[] {1}).halfClose();
        CallResult r = call.await(WAIT);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, r.status().getCode(), "client status: " + r.describe());

        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(5));
        Long remaining = rc.deadlineRemainingNanos();
        assertNotNull(remaining, "the app saw no grpc-timeout: the client's 100 ms deadline was not propagated");
        assertTrue(remaining > 0 && remaining <= TimeUnit.MILLISECONDS.toNanos(100),
                "deadline at the app should be the remaining part of 100 ms, was " + remaining / 1e6 + " ms");
        long cancelledAt = rc.awaitCancelled(Duration.ofSeconds(3));
        long afterStartMs = TimeUnit.NANOSECONDS.toMillis(cancelledAt - start);
        assertTrue(afterStartMs < 3000, "app saw the cancellation " + afterStartMs + " ms after the call started");
    }

    @Test
    void clientCancelOfAUnaryCallReachesTheApp() {
        Metadata md = routedTo("server");
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.HANG, CallOptions.DEFAULT, md);
        call.send(new byte[] {1}).halfClose();
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        long cancelled = System.nanoTime();
        call.cancel("the test cancels");
        long seen = rc.awaitCancelled(Duration.ofSeconds(5));
        assertEquals(Status.Code.CANCELLED, call.await(WAIT).status().getCode());
        assertTrue(seen - cancelled < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void clientCancelOfABidiStreamMidwayReachesTheApp() {
        Metadata md = routedTo("server");
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.CHAT, CallOptions.DEFAULT, md);
        for (int i = 0; i < 5; i++) {
            call.send(new byte[] {(byte) i});
            call.awaitMessage(WAIT);
        }
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        call.cancel("the test cancels mid-stream");
        rc.awaitCancelled(Duration.ofSeconds(5));
        assertEquals(Status.Code.CANCELLED, call.await(WAIT).status().getCode());
    }

    @Test
    void clientCancelWhileTheAppIsBlockedOnFlowControlReachesTheApp() {
        // The client reads nothing more; the app's server stream fills every window on the way, then the client
        // cancels: the reset must still get through to the app.
        Metadata md = routedTo("server");
        io.grpc.ClientCall<byte[], byte[]> raw = NET.get().channel().newCall(TestService.FETCH, CallOptions.DEFAULT);
        raw.start(new io.grpc.ClientCall.Listener<>() { }, md);
        raw.request(1);
        raw.sendMessage(TestService.fetchRequest(2000, 64 * 1024));
        raw.halfClose();
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        raw.cancel("stop", null);
        rc.awaitCancelled(Duration.ofSeconds(5));
    }

    @Test
    void appKilledMidStreamGivesTheClientAnErrorStatusQuickly() throws Exception {
        try (TwoSidecars t = TwoSidecars.start()) {
            RecordingCall call = GrpcCalls.start(t.channel(), TestService.SEND_THEN_HOLD, CallOptions.DEFAULT,
                    routedTo("server"));
            call.send(TestService.intBytes(3)).halfClose();
            for (int i = 0; i < 3; i++) {
                call.awaitMessage(WAIT);
            }
            long killed = System.nanoTime();
            t.serverApp().kill();
            CallResult r = call.await(WAIT);
            GrpcCalls.assertStatusIn(APP_GONE, r);
            assertEquals(3, r.messages().size(), "messages sent before the app died");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertTrue(ms < 5000, "error status arrived " + ms + " ms after the app died");

            // The app is gone for good: a new call fails with a status too, not a hang.
            RecordingCall next = GrpcCalls.start(t.channel(), TestService.ECHO, CallOptions.DEFAULT,
                    routedTo("server"));
            next.send(new byte[] {1}).halfClose();
            GrpcCalls.assertStatusIn(Set.of(Status.Code.UNAVAILABLE), next.await(WAIT));
        }
    }

    @Test
    void appConnectionResetMidStreamGivesAnErrorStatusAndTheNextCallRedials() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().withRelay().start()) {
            RecordingCall call = GrpcCalls.start(t.channel(), TestService.SEND_THEN_HOLD, CallOptions.DEFAULT,
                    routedTo("server"));
            call.send(TestService.intBytes(2)).halfClose();
            call.awaitMessage(WAIT);
            call.awaitMessage(WAIT);
            long reset = System.nanoTime();
            t.relay().abortAll(); // TCP RST on B's connection to its app
            CallResult r = call.await(WAIT);
            GrpcCalls.assertStatusIn(APP_GONE, r);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reset);
            assertTrue(ms < 5000, "error status arrived " + ms + " ms after the connection reset");

            // The app itself is fine: B must drop the dead connection and dial again.
            CallResult again = GrpcCalls.call(t.channel(), TestService.ECHO, CallOptions.DEFAULT, routedTo("server"),
                    List.of(new byte[] {7}));
            again.assertOk();
        }
    }
}
