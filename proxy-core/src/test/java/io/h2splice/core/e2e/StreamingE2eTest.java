package io.h2splice.core.e2e;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static io.h2splice.core.testing.Payloads.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The four gRPC call shapes through client → A → B → app, many calls at once, and one very large message. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamingE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    @Test
    void unaryEchoReachesTheServerAppAndComesBack() {
        byte[] request = random(1000, 1);
        Metadata md = routedTo("server");
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, request);
        assertSameBytes("unary echo reply", request, r.single());
        assertEquals("server-app", r.headers().get(TestApp.SERVED_BY), "reply should come from B's app");
        NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT).awaitCompleted(WAIT);
    }

    @Test
    void emptyUnaryMessage() {
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.ECHO, routedTo("server"), new byte[0]);
        assertSameBytes("empty echo reply", new byte[0], r.single());
    }

    @Test
    void clientStreamingCountsEveryByte() {
        // Sizes around the 16 KiB frame size and the 64 KiB default window, plus empty messages.
        int[] sizes = {0, 1, 5, 16_379, 16_384, 16_385, 65_535, 65_536, 100_000, 0, 1_000_000, 3};
        List<byte[]> requests = new ArrayList<>();
        long total = 0;
        for (int round = 0; round < 20; round++) {
            for (int s : sizes) {
                requests.add(random(s, round * 31L + s));
                total += s;
            }
        }
        CallResult r = GrpcCalls.call(NET.get().channel(), TestService.SUM, CallOptions.DEFAULT, routedTo("server"),
                requests);
        assertEquals(total, TestService.readLong(r.single(), 0),
                "bytes the app counted over " + requests.size() + " client-streamed messages");
    }

    @Test
    void serverStreamingDeliversEveryMessageInOrder() {
        int count = 300;
        int size = 10_000;
        CallResult r = GrpcCalls.call(NET.get().channel(), TestService.FETCH, CallOptions.DEFAULT, routedTo("server"),
                List.of(TestService.fetchRequest(count, size))).assertOk();
        assertEquals(count, r.messages().size(), "server-streamed messages received");
        for (int i = 0; i < count; i++) {
            byte[] m = r.messages().get(i);
            byte[] expected = new byte[size];
            java.util.Arrays.fill(expected, (byte) i);
            assertSameBytes("server-streamed message " + i, expected, m);
        }
    }

    @Test
    void bidiPingPongIsStreamedNotBuffered() {
        // Each reply must arrive before the next request is sent: the proxy has to forward frames as they come.
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.CHAT, CallOptions.DEFAULT, routedTo("server"));
        for (int i = 0; i < 100; i++) {
            byte[] ping = random(1 + i * 997, i);
            call.send(ping);
            assertSameBytes("bidi echo of message " + i, ping, call.awaitMessage(WAIT));
        }
        call.halfClose();
        CallResult r = call.await(WAIT).assertOk();
        assertEquals(100, r.messages().size());
    }

    @Test
    void bidiBothDirectionsAtOnce() {
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.CHAT, CallOptions.DEFAULT, routedTo("server"));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] m = random(i * 131 % 40_000, 1000 + i);
            sent.add(m);
            call.send(m);
        }
        call.halfClose();
        CallResult r = call.await(Duration.ofSeconds(30)).assertOk();
        assertEquals(sent.size(), r.messages().size(), "bidi replies");
        for (int i = 0; i < sent.size(); i++) {
            assertSameBytes("bidi reply " + i, sent.get(i), r.messages().get(i));
        }
    }

    @Test
    void thousandConcurrentCallsOnOneChannelAllSucceedWithTheirOwnReply() throws Exception {
        int n = 1000;
        Channel ch = NET.get().routed("server");
        List<byte[]> requests = new ArrayList<>(n);
        List<ListenableFuture<byte[]>> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] req = (i + ":" + "x".repeat(i % 300)).getBytes(StandardCharsets.UTF_8);
            requests.add(req);
            replies.add(ClientCalls.futureUnaryCall(
                    ch.newCall(TestService.ECHO, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)), req));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Integer> failures = new TreeMap<>();
        int wrong = 0;
        String firstWrong = null;
        for (int i = 0; i < n; i++) {
            try {
                byte[] got = replies.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (!java.util.Arrays.equals(requests.get(i), got)) {
                    wrong++;
                    if (firstWrong == null) {
                        firstWrong = "call " + i + " got '" + new String(got, StandardCharsets.UTF_8) + "'";
                    }
                }
            } catch (ExecutionException e) {
                Status s = e.getCause() instanceof StatusRuntimeException sre ? sre.getStatus()
                        : Status.fromThrowable(e.getCause());
                failures.merge(GrpcCalls.describe(s), 1, Integer::sum);
            } catch (TimeoutException e) {
                failures.merge("no reply within 60 s (hang)", 1, Integer::sum);
            }
        }
        if (!failures.isEmpty() || wrong > 0) {
            fail("of " + n + " concurrent calls, failed by status: " + failures + "; replies not matching their "
                    + "request: " + wrong + (firstWrong == null ? "" : " (first: " + firstWrong + ")"));
        }
    }

    @Test
    void sixtyFourMebibyteMessageBothWays() {
        byte[] big = random(64 << 20, 64);
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.ECHO,
                CallOptions.DEFAULT.withDeadlineAfter(100, TimeUnit.SECONDS), routedTo("server"));
        call.send(big).halfClose();
        CallResult r = call.await(Duration.ofSeconds(110));
        byte[] reply = r.single();
        assertSameBytes("64 MiB echo", big, reply);
    }
}
