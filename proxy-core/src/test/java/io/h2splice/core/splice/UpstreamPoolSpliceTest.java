package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.H2Peer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app's pool with the engine's real connections, frame by frame: a new connection at the app's
 * SETTINGS_MAX_CONCURRENT_STREAMS, draining after GOAWAY, and the fresh connection a refused stream is replayed on
 * ({@code UpstreamPool.acquireFresh}). Each dial of the pool is a new {@link EmbeddedChannel} in {@link #upstreams},
 * with its app in {@link #apps}. Every buffer fed in ends with refCnt 1 (checked by {@link EngineFixture}).
 */
class UpstreamPoolSpliceTest extends EngineFixture {

    // === a new connection at MAX_CONCURRENT_STREAMS ===

    @Test
    void aCallBeyondTheAppsMaxConcurrentStreamsGetsANewConnectionAndTheFirstKeepsWorking() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        EmbeddedChannel first = upstreams.get(0);
        H2Peer app0 = apps.get(0);
        int up1 = upstreamHeaders(first, app0);
        feed(first, H2Peer.concat(app0.settings(new Http2Settings().maxConcurrentStreams(2)), app0.settingsAck()));

        feed(down, client.headers(3, request("app"), false));
        int up3 = upstreamHeaders(first, app0);
        assertEquals(1, upstreams.size(), "the second call fits on the first connection");

        feed(down, client.headers(5, request("app"), false));
        assertEquals(2, upstreams.size(), "the third call is over the app's limit of 2: a second connection");
        assertTrue(ofType(app0.read(first), "HEADERS").isEmpty(), "nothing more was opened on the first");
        EmbeddedChannel second = upstreams.get(1);
        H2Peer app1 = apps.get(1);
        int up5 = answerPreface(second, app1);

        // The calls on the first connection keep working: their requests reach it, their responses the client.
        feed(down, H2Peer.data(1, grpcMessage("one"), true));
        feed(down, H2Peer.data(3, grpcMessage("three"), true));
        feed(down, H2Peer.data(5, grpcMessage("five"), true));
        assertEquals(Map.of(up1, "one", up3, "three"), messages(app0.read(first)));
        assertEquals(Map.of(up5, "five"), messages(app1.read(second)));
        answer(first, app0, up1, "r1");
        answer(first, app0, up3, "r3");
        answer(second, app1, up5, "r5");
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(Map.of(1, "0", 3, "0", 5, "0"), statuses(atClient));
        assertEquals(Map.of(1, "r1", 3, "r3", 5, "r5"), messages(atClient));
        assertEquals(2, state.appPool().connectionCount());

        // The first connection has room again: the next call goes there, no third dial.
        app0.read(first);
        feed(down, client.headers(7, request("app"), true));
        assertEquals(1, ofType(app0.read(first), "HEADERS").size());
        assertEquals(2, upstreams.size());
    }

    // === GOAWAY draining ===

    /**
     * GOAWAY(last-stream-id, NO_ERROR) from the app: its streams at or below last-stream-id finish on the old
     * connection, which closes once they have; the stream above it, never processed by the app, is replayed on a fresh
     * connection; a new call goes to a new connection, never the draining one.
     */
    @Test
    void afterGoAwayTheOldConnectionFinishesItsStreamsAndClosesWhileNewCallsGoElsewhere() throws Exception {
        start(Limits.defaults());
        call(1, "one");
        EmbeddedChannel first = upstreams.get(0);
        H2Peer app0 = apps.get(0);
        int up1 = answerPreface(first, app0);
        call(3, "three");
        int up3 = upstreamHeaders(first, app0);
        call(5, "five");
        upstreamHeaders(first, app0);
        assertEquals(1, upstreams.size());

        feed(first, app0.goAway(up3, Http2Error.NO_ERROR.code()));

        // The stream above last-stream-id is replayed, whole, on a fresh connection.
        assertEquals(2, upstreams.size(), "a fresh connection for the stream the app never processed");
        EmbeddedChannel second = upstreams.get(1);
        H2Peer app1 = apps.get(1);
        List<H2Peer.Frame> replayed = app1.read(second);
        assertEquals(1, ofType(replayed, "HEADERS").size());
        int up5 = ofType(replayed, "HEADERS").get(0).streamId();
        assertEquals(Map.of(up5, "five"), messages(replayed));
        assertTrue(ofType(replayed, "DATA").get(0).endStream());
        feed(second, app1.settings(new Http2Settings()));

        // A new call goes to the new connection, never to the draining one.
        feed(down, client.headers(7, request("app"), true));
        assertEquals(2, upstreams.size());
        assertTrue(ofType(app0.read(first), "HEADERS").isEmpty(), "no stream opened on the draining connection");
        int up7 = upstreamHeaders(second, app1);

        // The streams at or below last-stream-id finish on the old connection; it closes after the last one.
        answer(first, app0, up1, "r1");
        assertTrue(first.isActive(), "a stream still runs on the draining connection");
        answer(first, app0, up3, "r3");
        assertFalse(first.isActive(), "the drained connection is closed once its last stream ended");
        assertEquals(1, ofType(app0.read(first), "GOAWAY").size(), "closed with our GOAWAY");

        answer(second, app1, up5, "r5");
        answer(second, app1, up7, "r7");
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(Map.of(1, "0", 3, "0", 5, "0", 7, "0"), statuses(atClient));
        assertEquals(Map.of(1, "r1", 3, "r3", 5, "r5", 7, "r7"), messages(atClient));
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty(), "the client never saw the GOAWAY");
        assertEquals(1, state.appPool().connectionCount());
        assertTrue(second.isActive());
    }

    /** The replay after a refusal is made once: a stream refused again on its fresh connection ends the call. */
    @Test
    void aStreamRefusedAgainAfterItsReplayEndsUnavailable() throws Exception {
        start(Limits.defaults());
        call(1, "again");
        EmbeddedChannel first = upstreams.get(0);
        answerPreface(first, apps.get(0));
        feed(first, apps.get(0).goAway(0, Http2Error.NO_ERROR.code()));
        assertEquals(2, upstreams.size());
        EmbeddedChannel second = upstreams.get(1);
        answerPreface(second, apps.get(1));

        feed(second, apps.get(1).goAway(0, Http2Error.NO_ERROR.code()));
        assertEquals(2, upstreams.size(), "no second replay");
        H2Peer.Frame trailers = ofType(client.read(down), "HEADERS").get(0);
        assertEquals("14", trailers.headers().get("grpc-status").toString());
        assertEquals("connection to app app lost before the call completed",
                trailers.headers().get("grpc-message").toString());
    }

    // === acquireFresh ===

    /**
     * A stream the app refused (REFUSED_STREAM) is replayed on a new connection although the one that refused it has
     * room, and that connection's other calls carry on.
     */
    @Test
    void aRefusedStreamIsReplayedOnANewConnectionWhileTheRefusingOneKeepsItsCalls() throws Exception {
        start(Limits.defaults());
        call(1, "stays");
        EmbeddedChannel first = upstreams.get(0);
        H2Peer app0 = apps.get(0);
        int up1 = answerPreface(first, app0);
        call(3, "refused");
        int up3 = upstreamHeaders(first, app0);
        app0.read(first);

        feed(first, app0.rst(up3, Http2Error.REFUSED_STREAM.code()));
        assertEquals(2, upstreams.size(), "a new connection, though the one that refused has room");
        assertTrue(ofType(app0.read(first), "HEADERS").isEmpty(), "never replayed on the connection that refused");
        EmbeddedChannel second = upstreams.get(1);
        H2Peer app1 = apps.get(1);
        List<H2Peer.Frame> replayed = app1.read(second);
        int up3b = ofType(replayed, "HEADERS").get(0).streamId();
        assertEquals(Map.of(up3b, "refused"), messages(replayed));
        feed(second, app1.settings(new Http2Settings()));

        answer(first, app0, up1, "r1");
        answer(second, app1, up3b, "r3");
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(Map.of(1, "0", 3, "0"), statuses(atClient));
        assertEquals(Map.of(1, "r1", 3, "r3"), messages(atClient));
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty());
        assertEquals(2, state.appPool().connectionCount(), "both connections stay in the pool");
    }

    // === helpers ===

    /** The client makes call {@code id}: request HEADERS, then one message that ends the request. */
    private void call(int id, String message) {
        feed(down, client.headers(id, request("app"), false));
        feed(down, H2Peer.data(id, grpcMessage(message), true));
    }

    /** The one stream the engine opened at {@code app} since it last read: its id. */
    private static int upstreamHeaders(EmbeddedChannel up, H2Peer app) throws Exception {
        List<H2Peer.Frame> hs = ofType(app.read(up), "HEADERS");
        assertEquals(1, hs.size(), "one stream opened: " + hs);
        return hs.get(0).streamId();
    }

    /** The app answers {@code upId}: response HEADERS, one message, OK trailers. */
    private void answer(EmbeddedChannel up, H2Peer app, int upId, String message) {
        feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        feed(up, H2Peer.data(upId, grpcMessage(message), false));
        feed(up, app.headers(upId, new DefaultHttp2Headers().set("grpc-status", "0"), true));
    }

    /** grpc-status of every stream that ended with trailers, by stream id. */
    private static Map<Integer, String> statuses(List<H2Peer.Frame> frames) {
        Map<Integer, String> out = new TreeMap<>();
        for (H2Peer.Frame f : ofType(frames, "HEADERS")) {
            CharSequence status = f.headers().get("grpc-status");
            if (f.endStream() && status != null) {
                out.put(f.streamId(), status.toString());
            }
        }
        return out;
    }

    /** The message each stream's DATA carried (one, as {@link #grpcMessage} writes it), by stream id. */
    private static Map<Integer, String> messages(List<H2Peer.Frame> frames) {
        Map<Integer, String> out = new TreeMap<>();
        for (H2Peer.Frame f : ofType(frames, "DATA")) {
            byte[] d = f.data();
            assertTrue(d.length >= 5, "a whole gRPC message per frame");
            String text = new String(d, 5, d.length - 5, StandardCharsets.UTF_8);
            assertArrayEquals(grpcMessage(text), d);
            assertNull(out.put(f.streamId(), text), "one message per stream");
        }
        return out;
    }
}
