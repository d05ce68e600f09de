package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * h2spec cases that its own runs against h2splice fail only because its requests carry no {@code dapr-app-id}, so the
 * sidecar answers them (INVALID_ARGUMENT, END_STREAM) before h2spec's next frame arrives. Here the same frames are
 * sent on a call that is routed to an app and still running: each must end as RFC 9113 says (the h2spec case is
 * named on each test), the app's stream cancelled and the other calls of the connection untouched. The list of those
 * cases, with these tests as their reason, is {@code proxy-core/src/test/resources/h2spec/not-applicable.txt}.
 */
class RunningCallConformanceTest extends EngineFixture {

    /** http2/6.9 #2: WINDOW_UPDATE with an increment of 0 on a stream: stream error PROTOCOL_ERROR. */
    @Test
    void aZeroWindowIncrementOnAStreamIsAStreamError() throws Exception {
        openCalls();
        feed(down, windowUpdate(1, 0));
        assertStreamError(1, Http2Error.PROTOCOL_ERROR);
    }

    /** http2/6.9.1 #3: WINDOW_UPDATEs taking a stream's window over 2^31-1: RST_STREAM FLOW_CONTROL_ERROR. */
    @Test
    void aStreamWindowOverflowIsAFlowControlError() throws Exception {
        openCalls();
        feed(down, windowUpdate(1, Integer.MAX_VALUE));
        assertStreamError(1, Http2Error.FLOW_CONTROL_ERROR);
    }

    /** http2/5.1 #6: HEADERS on a stream the client already ended (half-closed remote): STREAM_CLOSED. */
    @Test
    void headersAfterTheRequestEndedAreAStreamError() throws Exception {
        openCalls();
        feed(down, H2Peer.data(1, grpcMessage("last"), true)); // the request ends
        apps.get(0).read(upstreams.get(0));
        feed(down, client.headers(1, new DefaultHttp2Headers().set("x-late", "1"), true));
        assertStreamError(1, Http2Error.STREAM_CLOSED);
    }

    /** http2/8.1.2.6 #1: content-length that the DATA received does not match: stream error PROTOCOL_ERROR. */
    @Test
    void contentLengthThatTheDataDoesNotMatchIsAStreamError() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        Http2Headers h = request("app").set("content-length", "3");
        feed(down, client.headers(1, h, false));
        openSecondCall();
        apps.get(0).read(upstreams.get(0));
        client.read(down);
        feed(down, H2Peer.data(1, grpcMessage("longer than three"), true));
        assertStreamError(1, Http2Error.PROTOCOL_ERROR);
    }

    /** generic/2 #2 and #3: WINDOW_UPDATE and PRIORITY on a half-closed (remote) stream are accepted; DATA follows. */
    @Test
    void windowUpdateAndPriorityOnAHalfClosedCallAreAccepted() throws Exception {
        openCalls();
        feed(down, H2Peer.data(1, grpcMessage("last"), true)); // half-closed (remote) from here on
        feed(down, windowUpdate(1, 1_000));
        feed(down, priority(1));
        respond(1, "pong");
        List<H2Peer.Frame> atClient = client.read(down);
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty() && ofType(atClient, "GOAWAY").isEmpty(), "" + atClient);
        assertEquals(1, ofType(atClient, "DATA").size(), "the response's DATA reached the client: " + atClient);
    }

    /** http2/5.1.2 #1: a stream over SETTINGS_MAX_CONCURRENT_STREAMS is refused (REFUSED_STREAM), the others run on. */
    @Test
    void aStreamOverTheAdvertisedLimitIsRefused() throws Exception {
        start(Limits.defaults().withMaxConcurrentStreams(2));
        feed(down, client.settingsAck());
        feed(down, client.headers(1, request("app"), false));
        feed(down, client.headers(3, request("app"), false));
        answerPreface(upstreams.get(0), apps.get(0));
        client.read(down);
        feed(down, client.headers(5, request("app"), false));
        List<H2Peer.Frame> rst = ofType(client.read(down), "RST_STREAM");
        assertEquals(1, rst.size());
        assertEquals(5, rst.get(0).streamId());
        assertTrue(rst.get(0).code() == Http2Error.REFUSED_STREAM.code()
                || rst.get(0).code() == Http2Error.PROTOCOL_ERROR.code(), "code " + rst.get(0).code());
        assertEquals(2, metrics.streamsActive(), "the two calls within the limit still run");
    }

    /** http2/8.1.2.6 #2: content-length that the sum of several DATA frames exceeds: stream error PROTOCOL_ERROR. */
    @Test
    void contentLengthThatSeveralDataFramesExceedIsAStreamError() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, client.headers(1, request("app").set("content-length", "12"), false));
        openSecondCall();
        apps.get(0).read(upstreams.get(0));
        client.read(down);
        feed(down, H2Peer.data(1, grpcMessage("abcd"), false)); // 9 bytes
        feed(down, H2Peer.data(1, grpcMessage("efgh"), true));  // 18 in all
        assertStreamError(1, Http2Error.PROTOCOL_ERROR);
    }

    /** http2/6.9.1 #1: SETTINGS_INITIAL_WINDOW_SIZE 1 from the client: the response's first DATA frame is 1 byte. */
    @Test
    void aClientWindowOfOneByteGetsOneByteOfData() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, client.settings(new Http2Settings().initialWindowSize(1)));
        feed(down, client.headers(1, request("app"), true));
        firstUpStream = answerPreface(upstreams.get(0), apps.get(0));
        client.read(down);
        respond(1, "pong");
        List<H2Peer.Frame> data = ofType(client.read(down), "DATA");
        assertEquals(1, data.size(), "one frame fits the window: " + data);
        assertEquals(1, data.get(0).data().length);
    }

    /**
     * http2/5.1 #12 and http2/5.1.1 #2 are connection errors in RFC 9113 (a HEADERS frame on a closed stream, or on
     * an id below one already used); Netty's codec, like grpc-java's servers built on it, keeps no closed streams and
     * answers both with RST_STREAM STREAM_CLOSED. That is kept on purpose: the same frame arrives legitimately when
     * the client sent it before it saw the proxy's reset (§5.1 asks for those to be ignored), and a connection error
     * there would end every other call the client has on the connection. Shown here: the proxy resets a call (the
     * app reset it), the client's late frames on it cost nothing but a stream error, the other call runs on.
     */
    @Test
    void framesOnAStreamTheProxyResetCostNoOtherCall() throws Exception {
        openCalls();
        EmbeddedChannel up = upstreams.get(0);
        feed(up, apps.get(0).rst(upStream(1), Http2Error.INTERNAL_ERROR.code()));
        assertEquals(1, ofType(client.read(down), "RST_STREAM").size(), "the reset reached the client");
        feed(down, client.headers(1, new DefaultHttp2Headers().set("x-late", "1"), true)); // sent before it saw it
        List<H2Peer.Frame> atClient = client.read(down);
        assertTrue(ofType(atClient, "GOAWAY").isEmpty(), "no connection error: " + atClient);
        assertEquals(1, metrics.streamsActive(), "call 3 runs on");
        assertTrue(down.isActive());
        assertVictimCompletes();
    }

    /** http2/6.5.3 #1: two SETTINGS_INITIAL_WINDOW_SIZE values in one SETTINGS frame: the last (1) holds. */
    @Test
    void theLastOfTwoWindowSizesInOneSettingsFrameHolds() throws Exception {
        List<Integer> sizes = responseFrameSizes(settingsWithTwoWindowSizes(100, 1), null, null);
        assertEquals(List.of(1), sizes);
    }

    /** http2/6.9.2 #1: the window is 0 when the call starts, then SETTINGS opens it to 1: one byte goes out. */
    @Test
    void aWindowOpenedAfterTheHeadersLetsDataGo() throws Exception {
        List<Integer> sizes = responseFrameSizes(client.settings(new Http2Settings().initialWindowSize(0)),
                client.settings(new Http2Settings().initialWindowSize(1)), null);
        assertEquals(List.of(1), sizes);
    }

    /**
     * http2/6.9.2 #2: 3 bytes sent in a window of 3, then SETTINGS makes the window 2 (so -1 now), then WINDOW_UPDATE
     * of 2 makes it 1: one more byte goes out.
     */
    @Test
    void aWindowMadeNegativeBySettingsIsHonoured() throws Exception {
        List<Integer> sizes = responseFrameSizes(client.settings(new Http2Settings().initialWindowSize(3)),
                client.settings(new Http2Settings().initialWindowSize(2)), windowUpdate(1, 2));
        assertEquals(List.of(3, 1), sizes);
    }

    /**
     * A call on stream 1 after {@code settings}; the app answers 9 bytes of DATA; then {@code thenSettings} and
     * {@code thenWindowUpdate} (each may be null). Returns the sizes of the DATA frames the client received.
     */
    private List<Integer> responseFrameSizes(ByteBuf settings, ByteBuf thenSettings, ByteBuf thenWindowUpdate)
            throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, settings);
        feed(down, client.headers(1, request("app"), true));
        firstUpStream = answerPreface(upstreams.get(0), apps.get(0));
        respond(1, "pong");
        List<Integer> sizes = new ArrayList<>();
        ofType(client.read(down), "DATA").forEach(d -> sizes.add(d.data().length));
        if (thenSettings != null) {
            feed(down, thenSettings);
        }
        if (thenWindowUpdate != null) {
            feed(down, thenWindowUpdate);
        }
        ofType(client.read(down), "DATA").forEach(d -> sizes.add(d.data().length));
        return sizes;
    }

    /** SETTINGS laid out by hand with SETTINGS_INITIAL_WINDOW_SIZE twice (Netty's writer keeps one per id). */
    private static ByteBuf settingsWithTwoWindowSizes(int first, int second) {
        ByteBuf b = Unpooled.buffer(21);
        b.writeMedium(12);
        b.writeByte(0x4); // SETTINGS
        b.writeByte(0);
        b.writeInt(0);
        b.writeShort(0x4).writeInt(first);
        b.writeShort(0x4).writeInt(second);
        return b;
    }

    /** The app answers call {@code streamId} with one message. */
    private void respond(int streamId, String text) {
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int id = upStream(streamId);
        feed(up, app.headers(id, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        feed(up, H2Peer.data(id, grpcMessage(text), false));
        feed(up, app.headers(id, new DefaultHttp2Headers().set("grpc-status", "0"), true));
    }

    /** The app's stream of the client's call {@code streamId}: the engine opens them in the calls' order. */
    private int upStream(int streamId) {
        return firstUpStream + streamId - 1;
    }

    /** PRIORITY laid out by hand: no dependency, weight 16. */
    private static ByteBuf priority(int streamId) {
        ByteBuf b = Unpooled.buffer(14);
        b.writeMedium(5);
        b.writeByte(0x2); // PRIORITY
        b.writeByte(0);
        b.writeInt(streamId);
        b.writeInt(0);
        b.writeByte(15);
        return b;
    }

    /** Calls on streams 1 and 3, both running; the app has answered the connection preface. */
    private void openCalls() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, client.headers(1, request("app"), false));
        feed(down, H2Peer.data(1, grpcMessage("ping"), false));
        openSecondCall();
        apps.get(0).read(upstreams.get(0));
        client.read(down);
    }

    /** Stream 3: a call that must not notice what stream 1 does. */
    private void openSecondCall() throws Exception {
        feed(down, client.headers(3, request("app"), false));
        EmbeddedChannel up = upstreams.get(0);
        firstUpStream = answerPreface(up, apps.get(0));
    }

    /** The app's stream id of the first call the engine opened upstream. */
    private int firstUpStream;

    private void assertStreamError(int streamId, Http2Error code) throws Exception {
        List<H2Peer.Frame> atClient = client.read(down);
        List<H2Peer.Frame> rst = ofType(atClient, "RST_STREAM");
        assertEquals(1, rst.size(), "one reset to the client: " + atClient);
        assertEquals(streamId, rst.get(0).streamId());
        assertEquals(code.code(), rst.get(0).code(), "the reset's code");
        assertTrue(ofType(atClient, "GOAWAY").isEmpty(), "a stream error, not a connection error: " + atClient);
        List<H2Peer.Frame> atApp = apps.get(0).read(upstreams.get(0));
        List<H2Peer.Frame> cancelled = ofType(atApp, "RST_STREAM");
        assertEquals(1, cancelled.size(), "the app's stream of that call is cancelled: " + atApp);
        assertEquals(Http2Error.CANCEL.code(), cancelled.get(0).code());
        assertEquals(1, metrics.streamsActive(), "the other call still runs");
        assertVictimCompletes();
    }

    /** Call 3, which saw none of it, gets its whole response and status OK. */
    private void assertVictimCompletes() throws Exception {
        feed(down, H2Peer.data(3, grpcMessage("victim"), true));
        respond(3, "victim ok");
        List<H2Peer.Frame> atClient = client.read(down);
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty(), "the victim is not reset: " + atClient);
        List<H2Peer.Frame> hs = ofType(atClient, "HEADERS").stream().filter(f -> f.streamId() == 3).toList();
        assertEquals(2, hs.size(), "the victim's response headers and trailers: " + atClient);
        assertEquals("0", hs.get(1).headers().get("grpc-status").toString());
        assertEquals(1, ofType(atClient, "DATA").stream().filter(f -> f.streamId() == 3).count());
        assertEquals(0, metrics.streamsActive(), "the victim's call ended");
    }

    /** WINDOW_UPDATE laid out by hand: Netty's writer refuses an increment of 0. */
    private static ByteBuf windowUpdate(int streamId, int increment) {
        ByteBuf b = Unpooled.buffer(13);
        b.writeMedium(4);
        b.writeByte(0x8); // WINDOW_UPDATE
        b.writeByte(0);
        b.writeInt(streamId);
        b.writeInt(increment);
        return b;
    }
}
