package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.H2Peer;
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
 * A second HEADERS frame on a call that is running (RFC 9113 §8.1): it must end the stream (trailers), and as trailers
 * it must carry no pseudo-header (§8.3). Either broken, the request is malformed: a stream error PROTOCOL_ERROR to
 * the client, the upstream stream cancelled, and nothing of the bad block passed on as if it were trailers. These are
 * h2spec's cases http2/8.1 #1 and http2/8.1.2.1 #3, which its own runs against a sidecar cannot show: without
 * {@code dapr-app-id} its requests are answered before its second HEADERS arrives (h2spec/not-applicable.txt).
 */
class RequestTrailersTest extends EngineFixture {

    @Test
    void aSecondHeadersFrameWithoutEndStreamIsAStreamError() throws Exception {
        assertMalformedTrailers(new DefaultHttp2Headers().set("x-trailer", "t"), false);
    }

    @Test
    void trailersWithAPseudoHeaderAreAStreamError() throws Exception {
        assertMalformedTrailers(new DefaultHttp2Headers().path("/pkg.Svc/Other").set("x-trailer", "t"), true);
    }

    @Test
    void wellFormedTrailersArePassedOnAndEndTheRequest() throws Exception {
        EmbeddedChannel up = openCall();
        H2Peer app = apps.get(0);
        feed(down, client.headers(1, new DefaultHttp2Headers().set("x-trailer", "t"), true));
        List<H2Peer.Frame> atApp = ofType(app.read(up), "HEADERS");
        assertEquals(1, atApp.size(), "the trailers reached the app");
        assertEquals("t", atApp.get(0).headers().get("x-trailer").toString());
        assertTrue(atApp.get(0).endStream());
        assertTrue(ofType(client.read(down), "RST_STREAM").isEmpty(), "no reset for well-formed trailers");
    }

    private void assertMalformedTrailers(Http2Headers trailers, boolean endStream) throws Exception {
        EmbeddedChannel up = openCall();
        H2Peer app = apps.get(0);
        feed(down, client.headers(1, trailers, endStream));

        List<H2Peer.Frame> rst = ofType(client.read(down), "RST_STREAM");
        assertEquals(1, rst.size(), "the client's stream is reset");
        assertEquals(Http2Error.PROTOCOL_ERROR.code(), rst.get(0).code());
        List<H2Peer.Frame> atApp = app.read(up);
        assertTrue(ofType(atApp, "HEADERS").isEmpty(), "the malformed block is not passed on: " + atApp);
        List<H2Peer.Frame> cancelled = ofType(atApp, "RST_STREAM");
        assertEquals(1, cancelled.size(), "the app's stream is cancelled: " + atApp);
        assertEquals(Http2Error.CANCEL.code(), cancelled.get(0).code());
        assertEquals(0, metrics.streamsActive(), "the call ended");
    }

    /** A call on stream 1 whose request is still open, its upstream stream open at the app. */
    private EmbeddedChannel openCall() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, client.headers(1, request("app"), false));
        feed(down, H2Peer.data(1, grpcMessage("ping"), false));
        EmbeddedChannel up = upstreams.get(0);
        answerPreface(up, apps.get(0));
        apps.get(0).read(up);
        client.read(down);
        return up;
    }
}
