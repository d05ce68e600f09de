package io.h2splice.core.splice;

import io.h2splice.core.config.Keepalive;
import io.h2splice.core.config.Limits;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client, stream or peer cannot hurt the others, frame by frame: the connection window is refilled on arrival
 * while stream windows wait for the other side's write (no head-of-line blocking), a shared connection is never cut
 * short for how much its calls hold together (the memory budget decides), rapid reset is judged by the share of premature resets on the API listener
 * only, and idleness is counted from the last stream's end. Every buffer fed in ends with refCnt 1 (checked by
 * {@link EngineFixture}).
 */
class FlowIsolationTest extends EngineFixture {

    private static final int FRAME = 16_384;
    private static final int MIB = 1 << 20;

    // === connection window: refilled on arrival, stream windows credited on write ===

    @Test
    void stalledStreamsHoldOnlyTheirOwnWindowAndNeverStopTheConnection() throws Exception {
        start(Limits.defaults());
        feed(down, client.windowUpdate(0, 64 * MIB)); // the client's connection window is open; its streams' are not
        feed(down, client.settingsAck());
        int stalled = 5;
        List<Integer> upIds = openCalls(stalled + 1);
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        app.read(up);

        // Each stalled stream gets a whole stream window (1 MiB) that the client, never reading, takes 64 KiB of.
        for (int i = 0; i < stalled; i++) {
            answerWith(up, app, upIds.get(i), MIB);
        }
        List<H2Peer.Frame> atApp = app.read(up);
        assertTrue(ofType(atApp, "GOAWAY").isEmpty(), "5 MiB on a 4 MiB connection window is no error: " + atApp);
        long connectionCredit = 0;
        for (H2Peer.Frame f : ofType(atApp, "WINDOW_UPDATE")) {
            assertEquals(0, f.streamId(), "a stalled stream got stream credit for bytes the client never read: " + f);
            connectionCredit += f.code();
        }
        long sent = (long) stalled * MIB;
        long appMaySend = 4L * MIB + connectionCredit - sent; // the app's connection window now
        assertTrue(appMaySend >= MIB, "the app may still send a whole stream window to the next call, not "
                + appMaySend + " bytes");
        UpstreamHandler upHandler = up.pipeline().get(UpstreamHandler.class);
        // The client's 64 KiB stream window took three whole frames; the fourth is only partly written, so it is
        // still held: a frame's credit returns when all of it has gone.
        long perStream = MIB - 3 * FRAME;
        assertEquals(stalled * perStream, flow(upHandler).heldBytes(), "held: stream window minus what was written");

        // The sixth call, on the same connection, is answered in full.
        answer(up, app, upIds.get(stalled), "pong");
        List<H2Peer.Frame> atClient = client.read(down);
        int victimDown = 2 * stalled + 1;
        assertEquals(2, ofType(atClient, "HEADERS").stream().filter(f -> f.streamId() == victimDown).count(),
                "the sixth call's response and trailers reached the client");

        // A stalled call that ends gives its held bytes back at once.
        feed(down, client.rst(1, Http2Error.CANCEL.code()));
        assertEquals((stalled - 1) * perStream, flow(upHandler).heldBytes());
    }

    /**
     * A shared connection is never cut short for how much its calls hold together: seventeen responses of 1 MiB that
     * their client cannot take yet (17 MiB, past the 16 MiB per connection at which a call was shed before the memory
     * budget) are all kept, and an eighteenth call is answered. Only the budget decides when a call must let go
     * ({@link MemoryBudgetTest}); an app that is briefly slow, or a client reading slowly, costs its calls time, not
     * their status.
     */
    @Test
    void aSharedConnectionHoldingManyCallsShedsNoneUnderTheMemoryBudget() throws Exception {
        start(Limits.defaults());
        feed(down, client.windowUpdate(0, 64 * MIB));
        feed(down, client.settingsAck());
        int stalled = 17;
        List<Integer> upIds = openCalls(stalled + 1);
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        app.read(up);
        List<H2Peer.Frame> atClient = new ArrayList<>();
        for (int i = 0; i < stalled; i++) {
            atClient.addAll(answerWith(up, app, upIds.get(i), MIB));
        }
        UpstreamHandler upHandler = up.pipeline().get(UpstreamHandler.class);
        assertTrue(flow(upHandler).heldBytes() > 16L * MIB, "held: " + flow(upHandler).heldBytes());
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty(), "no call shed: " + ofType(atClient, "RST_STREAM"));
        assertTrue(ofType(app.read(up), "RST_STREAM").isEmpty(), "no call cancelled at the app");
        assertEquals(0, metrics.memoryShedCount(false));

        answer(up, app, upIds.get(stalled), "pong");
        int victimDown = 2 * stalled + 1;
        assertEquals(2, ofType(client.read(down), "HEADERS").stream().filter(f -> f.streamId() == victimDown).count(),
                "the eighteenth call's response and trailers reached the client");
        assertEquals(0, metrics.calls(GrpcStatus.RESOURCE_EXHAUSTED));
        assertTrue(down.isActive() && up.isActive());
    }

    // === rapid reset: the share of premature resets, API listener only ===

    @Test
    void cancellingEveryCallAfterItsFirstResponseMessageIsNeverPunished() throws Exception {
        assertNeverClosed("calls cancelled after their response began", (i, id, upId, up, app) -> {
            feed(up, app.headers(upId, new DefaultHttp2Headers().status("200"), false));
            feed(up, H2Peer.data(upId, grpcMessage("first"), false));
            feed(down, client.rst(id, Http2Error.CANCEL.code()));
        });
    }

    @Test
    void cancellingAMinorityBeforeAnyResponseIsNeverPunished() throws Exception {
        assertNeverClosed("calls, 30 % of them cancelled early", (i, id, upId, up, app) -> {
            if (i % 10 < 3) { // 30 % cancelled at once
                feed(down, client.rst(id, Http2Error.CANCEL.code()));
            } else {
                feed(down, H2Peer.data(id, grpcMessage("ping"), true));
                feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("grpc-status", "0"), true));
            }
        });
    }

    /**
     * The app stops answering: every call stays open, and the client gives up on a fifth of them before any response
     * (its deadlines). Those are the only streams that end; the connection, with all it has in flight, stays.
     */
    @Test
    void aClientGivingUpOnSomeCallsToAnAppThatStoppedAnsweringIsNeverPunished() throws Exception {
        assertNeverClosed("calls to an app that answers none, a fifth of them reset by the client", (i, id, upId, up,
                app) -> {
            if (i % 5 == 0) {
                feed(down, client.rst(id, Http2Error.CANCEL.code()));
            }
        });
    }

    /** What happens to the {@code i}th of 1,000 calls (client stream {@code id}, upstream {@code upId}). */
    private interface CallPattern {
        void run(int i, int id, int upId, EmbeddedChannel up, H2Peer app) throws Exception;
    }

    /** 1,000 calls that each go as {@code pattern} says; the connection must never be closed. */
    private void assertNeverClosed(String what, CallPattern pattern) throws Exception {
        start(Limits.defaults());
        for (int i = 0; i < 1_000; i++) {
            int id = 2 * i + 1;
            int upId = open(id);
            EmbeddedChannel up = upstreams.get(0);
            H2Peer app = apps.get(0);
            pattern.run(i, id, upId, up, app);
            app.read(up);
            assertTrue(down.isActive(), "closed after " + (i + 1) + " " + what);
        }
        assertTrue(ofType(client.read(down), "GOAWAY").isEmpty());
    }

    @Test
    void rapidResetIsClosedOnTheApiListenerAfterHalfTheMinimum() throws Exception {
        start(Limits.defaults());
        int streams = resetUntilClosed(2_000, id -> client.rst(id, Http2Error.CANCEL.code()));
        assertEquals(Limits.defaults().prematureResetMinStreams() / 2, streams);
        List<H2Peer.Frame> goAway = ofType(client.read(down), "GOAWAY");
        assertEquals(1, goAway.size());
        assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), goAway.get(0).code());
    }

    @Test
    void madeYouResetIsCountedAsPremature() throws Exception {
        start(Limits.defaults());
        int streams = resetUntilClosed(2_000, FlowIsolationTest::zeroWindowUpdate);
        assertEquals(Limits.defaults().prematureResetMinStreams() / 2, streams);
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), ofType(atClient, "GOAWAY").get(0).code());
        assertEquals(Http2Error.PROTOCOL_ERROR.code(), ofType(atClient, "RST_STREAM").get(0).code(),
                "each zero WINDOW_UPDATE made us reset its stream");
    }

    @Test
    void theInternalListenerNeverClosesAPeerForItsClientsResets() throws Exception {
        start(ProxyConfig.loopback("app", 50051), ProxyMetrics.Side.INTERNAL);
        int streams = resetUntilClosed(4_096, id -> client.rst(id, Http2Error.CANCEL.code()));
        assertEquals(4_096, streams, "a peer sidecar forwarding 4,096 early cancels was closed");
        assertTrue(ofType(client.read(down), "GOAWAY").isEmpty());
    }

    @Test
    void aPeerSidecarPingingTooOftenIsDrainedAndItsRunningCallsFinish() throws Exception {
        start(ProxyConfig.loopback("app", 50051), ProxyMetrics.Side.INTERNAL);
        List<Integer> upIds = openCalls(1);
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        for (int i = 0; i < 4; i++) { // the fourth PING inside 8 s is the third strike
            feed(down, ping());
        }
        List<H2Peer.Frame> afterPings = client.read(down);
        List<H2Peer.Frame> goAway = ofType(afterPings, "GOAWAY");
        assertEquals(1, goAway.size(), afterPings.toString());
        assertEquals(Http2Error.NO_ERROR.code(), goAway.get(0).code(), "a drain, not an error (Netty would close)");
        assertEquals(1, goAway.get(0).streamId(), "GOAWAY names the running call: it is not to be replayed");
        assertTrue(down.isActive(), "the running call keeps its connection");

        answer(up, app, upIds.get(0), "pong");
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals("0", ofType(atClient, "HEADERS").get(1).headers().get("grpc-status").toString(),
                "the call running when the GOAWAY went out finished: " + atClient);
        assertFalse(down.isActive(), "then the connection closes");
    }

    @Test
    void aGoAwayFromUpstreamLetsRunningCallsFinishAndReplaysOnlyTheOnesItNeverSaw() throws Exception {
        start(Limits.defaults());
        List<Integer> upIds = openCalls(2); // client streams 1 and 3, requests complete
        EmbeddedChannel first = upstreams.get(0);
        H2Peer app = apps.get(0);
        feed(first, app.goAway(upIds.get(0), Http2Error.NO_ERROR.code())); // saw the first call, not the second

        assertEquals(2, upstreams.size(), "the call above the GOAWAY's last stream goes to a fresh connection");
        EmbeddedChannel second = upstreams.get(1);
        H2Peer app2 = apps.get(1);
        List<H2Peer.Frame> replayed = app2.read(second);
        assertArrayEquals(grpcMessage("ping"), ofType(replayed, "DATA").get(0).data(), "replayed byte for byte");
        int replayedId = ofType(replayed, "HEADERS").get(0).streamId();
        feed(second, H2Peer.concat(app2.settings(new Http2Settings()), app2.settingsAck()));

        answer(first, app, upIds.get(0), "one"); // the call the old connection had: it finishes there
        answer(second, app2, replayedId, "three");
        List<H2Peer.Frame> atClient = client.read(down);
        for (int id : new int[] {1, 3}) {
            List<H2Peer.Frame> trailers = ofType(atClient, "HEADERS").stream()
                    .filter(f -> f.streamId() == id && f.endStream()).toList();
            assertEquals(1, trailers.size(), "call " + id + ": " + atClient);
            assertEquals("0", trailers.get(0).headers().get("grpc-status").toString());
        }
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty(), "no call failed: " + atClient);
        assertFalse(first.isActive(), "the old connection closes once its last call ended");
    }

    // === idleness from the last stream's end ===

    @Test
    void aConnectionWithACallEverySecondIsNeverIdleAndAQuietOneIsClosedAfterMaxIdle() throws Exception {
        Keepalive k = Keepalive.defaults(); // 3 min idle, ticks every 2.5 s
        start(ProxyConfig.loopback("app", 50051).withKeepalive(k), ProxyMetrics.Side.API);
        down.freezeTime();
        down.pipeline().fireChannelActive(); // the handler was added after activation: start its timers
        for (int second = 0; second < 240; second++) {
            int id = 2 * second + 1;
            int upId = open(id);
            feed(down, H2Peer.data(id, grpcMessage("ping"), true));
            EmbeddedChannel up = upstreams.get(0);
            H2Peer app = apps.get(0);
            feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("grpc-status", "0"), true));
            app.read(up);
            advance(Duration.ofSeconds(1));
            assertTrue(down.isActive(), "closed as idle after " + (second + 1) + " s of a call every second");
        }
        assertTrue(ofType(client.read(down), "GOAWAY").isEmpty());

        // Quiet from now: answered keepalive PINGs, no streams. Closed 3 min after the last stream, not before.
        long quiet = 0;
        while (down.isActive() && quiet < k.maxIdle().plusSeconds(10).toMillis()) {
            feed(down, pingAck());
            advance(Duration.ofMillis(500));
            quiet += 500;
        }
        assertFalse(down.isActive(), "a quiet connection must be closed after max idle");
        assertTrue(quiet >= k.maxIdle().toMillis(), "closed after only " + quiet + " ms without streams");
        List<H2Peer.Frame> goAway = ofType(client.read(down), "GOAWAY");
        assertEquals(1, goAway.size());
        assertEquals(Http2Error.NO_ERROR.code(), goAway.get(0).code());
    }

    // === helpers ===

    /** Opens {@code n} calls (client stream ids 1, 3, …) whose requests end; returns their upstream stream ids. */
    private List<Integer> openCalls(int n) throws Exception {
        List<Integer> upIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = 2 * i + 1;
            upIds.add(open(id));
            feed(down, H2Peer.data(id, grpcMessage("ping"), true));
        }
        assertEquals(1, upstreams.size(), "all calls share one upstream connection");
        return upIds;
    }

    /**
     * Opens call {@code id} (its request not ended) on the client's connection; returns the stream the engine opened
     * for it upstream. On the first call the app sends its SETTINGS and acknowledges ours: only then does our 1 MiB
     * stream window apply.
     */
    private int open(int id) throws Exception {
        feed(down, client.headers(id, request("app"), false));
        H2Peer app = apps.get(0);
        int upId = ofType(app.read(upstreams.get(0)), "HEADERS").get(0).streamId();
        if (id == 1) {
            feed(upstreams.get(0), H2Peer.concat(app.settings(new Http2Settings()), app.settingsAck()));
        }
        return upId;
    }

    /**
     * The app answers {@code upId} with response HEADERS and {@code bytes} of DATA in 16 KiB frames.
     *
     * @return what the client received meanwhile (it sends no WINDOW_UPDATE for its streams)
     */
    private List<H2Peer.Frame> answerWith(EmbeddedChannel up, H2Peer app, int upId, int bytes) throws Exception {
        feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        byte[] chunk = new byte[FRAME];
        for (int sent = 0; sent < bytes; sent += FRAME) {
            feed(up, H2Peer.data(upId, chunk, false));
        }
        return client.read(down);
    }

    /** Opens calls and provokes a premature reset on each until the connection closes; returns how many. */
    private int resetUntilClosed(int max, java.util.function.IntFunction<ByteBuf> reset) throws Exception {
        for (int i = 0; i < max; i++) {
            if (!down.isActive()) {
                return i;
            }
            int id = 2 * i + 1;
            open(id);
            feed(down, reset.apply(id));
            H2Peer.drain(upstreams.get(0));
        }
        return max;
    }

    private void advance(Duration d) {
        down.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        down.runPendingTasks();
    }

    private static HeldBytesFlowController flow(SpliceHandler h) {
        return (HeldBytesFlowController) h.connection().local().flowController();
    }

    /** WINDOW_UPDATE with increment 0 on a stream: a stream error the server must answer with RST_STREAM. */
    private static ByteBuf zeroWindowUpdate(int streamId) {
        return Unpooled.buffer(13).writeMedium(4).writeByte(0x8).writeByte(0).writeInt(streamId).writeInt(0);
    }

    /** The app answers {@code upId}: response HEADERS, one message, OK trailers. */
    private void answer(EmbeddedChannel up, H2Peer app, int upId, String message) throws Exception {
        feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        feed(up, H2Peer.data(upId, grpcMessage(message), false));
        feed(up, app.headers(upId, new DefaultHttp2Headers().set("grpc-status", "0"), true));
    }

    /** A PING from the peer. */
    private static ByteBuf ping() {
        return Unpooled.buffer(17).writeMedium(8).writeByte(0x6).writeByte(0).writeInt(0).writeLong(42);
    }

    /** The ACK of our keepalive PING. */
    private static ByteBuf pingAck() {
        return Unpooled.buffer(17).writeMedium(8).writeByte(0x6).writeByte(0x1).writeInt(0)
                .writeLong(KeepaliveTimer.PING_DATA);
    }
}
