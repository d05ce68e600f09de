package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * h2spec cases that its own runs against h2splice fail only because its requests carry no {@code dapr-app-id}, so the
 * sidecar answers them (INVALID_ARGUMENT, END_STREAM) before h2spec's next frame arrives. Here the same frames are
 * sent on a call that is routed to an app and still running: each must end as RFC 9113 says (the h2spec case is
 * named on each test), the app's stream cancelled and the other calls of the connection untouched.
 */
class StreamErrorsOnRunningCallsTest extends EngineFixture {

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
        answerPreface(up, apps.get(0));
    }

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
