package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The splice engine frame by frame, over {@link EmbeddedChannel}s: a client speaking to the API listener's handler,
 * and the app's side of each upstream connection the engine dials. Every buffer fed in must end with refCnt 0.
 */
class SpliceEngineTest extends EngineFixture {

    @Test
    void unaryCallIsSplicedWithoutCopyAndEveryBufferReleased() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        ByteBuf reqData = H2Peer.data(1, grpcMessage("ping"), true);
        byte[] reqBacking = reqData.array();
        feed(down, reqData);

        assertEquals(1, upstreams.size(), "one upstream connection dialled");
        EmbeddedChannel up = upstreams.get(0);
        // No copy: the DATA written upstream is a view of the very buffer the client's bytes arrived in.
        boolean sameMemory = false;
        for (Object m : up.outboundMessages()) {
            ByteBuf b = (ByteBuf) m;
            if (b.hasArray() && b.array() == reqBacking) {
                sameMemory = true;
            }
        }
        assertTrue(sameMemory, "request DATA was copied instead of spliced");

        H2Peer app = apps.get(0);
        List<H2Peer.Frame> atApp = app.read(up);
        H2Peer.Frame headers = ofType(atApp, "HEADERS").get(0);
        assertNull(headers.headers().get("dapr-app-id"), "dapr-app-id must not reach the app");
        assertEquals("app", headers.headers().get("dapr-callee-app-id").toString());
        assertEquals("app", headers.headers().get("dapr-caller-app-id").toString());
        assertEquals("default", headers.headers().get("dapr-caller-namespace").toString());
        assertEquals("v1", headers.headers().get("x-custom").toString());
        assertEquals("AAEC", headers.headers().get("x-bin-bin").toString());
        assertEquals("/pkg.Svc/Method", headers.headers().path().toString());
        H2Peer.Frame data = ofType(atApp, "DATA").get(0);
        assertArrayEquals(grpcMessage("ping"), data.data());
        assertTrue(data.endStream());

        int upStream = headers.streamId();
        feed(up, app.settings(new Http2Settings()));
        feed(up, app.headers(upStream, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        feed(up, H2Peer.data(upStream, grpcMessage("pong"), false));
        feed(up, app.headers(upStream, new DefaultHttp2Headers().set("grpc-status", "0").set("x-trailer", "t"), true));

        List<H2Peer.Frame> atClient = client.read(down);
        List<H2Peer.Frame> hs = ofType(atClient, "HEADERS");
        assertEquals(2, hs.size(), "response headers and trailers: " + atClient);
        assertEquals("200", hs.get(0).headers().status().toString());
        assertEquals("0", hs.get(1).headers().get("grpc-status").toString());
        assertEquals("t", hs.get(1).headers().get("x-trailer").toString());
        assertTrue(hs.get(1).endStream());
        assertArrayEquals(grpcMessage("pong"), ofType(atClient, "DATA").get(0).data());

        app.read(up);
        assertEquals(0, metrics.streamsActive());
        assertEquals(1, metrics.calls(GrpcStatus.OK));
    }

    @Test
    void clientResetCancelsTheUpstreamStream() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        feed(down, H2Peer.data(1, grpcMessage("partial"), false));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = ofType(app.read(up), "HEADERS").get(0).streamId();

        feed(down, client.rst(1, Http2Error.CANCEL.code()));
        List<H2Peer.Frame> rst = ofType(app.read(up), "RST_STREAM");
        assertEquals(1, rst.size());
        assertEquals(upStream, rst.get(0).streamId());
        assertEquals(Http2Error.CANCEL.code(), rst.get(0).code());
        assertEquals(0, metrics.streamsActive());
        assertEquals(1, metrics.calls(GrpcStatus.CANCELLED));
    }

    @Test
    void appResetIsMirroredToTheClientWithItsCode() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = answerPreface(up, app);
        feed(up, app.headers(upStream, new DefaultHttp2Headers().status("200"), false));
        feed(up, app.rst(upStream, Http2Error.INTERNAL_ERROR.code()));

        List<H2Peer.Frame> atClient = client.read(down);
        List<H2Peer.Frame> rst = ofType(atClient, "RST_STREAM");
        assertEquals(1, rst.size(), atClient.toString());
        assertEquals(Http2Error.INTERNAL_ERROR.code(), rst.get(0).code());
    }

    /**
     * An app that gives up at the deadline it was given resets with CANCEL (grpc-go and grpc-java servers do): past the
     * client's deadline the client gets DEADLINE_EXCEEDED in trailers, as from daprd, whatever its own timer says.
     */
    @Test
    void anAppResetWithCancelPastTheDeadlineIsDeadlineExceeded() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app").set("grpc-timeout", "20m"), true));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = answerPreface(up, app);
        Thread.sleep(40); // the 20 ms deadline passes while the app holds the call
        feed(up, app.rst(upStream, Http2Error.CANCEL.code()));

        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(List.of(), ofType(atClient, "RST_STREAM"), atClient.toString());
        List<H2Peer.Frame> hs = ofType(atClient, "HEADERS");
        assertEquals(1, hs.size(), atClient.toString());
        assertEquals("4", hs.get(0).headers().get("grpc-status").toString());
        assertEquals("context deadline exceeded", hs.get(0).headers().get("grpc-message").toString());
        assertTrue(hs.get(0).endStream());
        assertEquals(1, metrics.calls(GrpcStatus.DEADLINE_EXCEEDED));
    }

    /** Before the deadline, an app's CANCEL is the app's own decision: mirrored to the client as a reset. */
    @Test
    void anAppResetWithCancelBeforeTheDeadlineIsMirrored() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app").set("grpc-timeout", "1H"), true));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = answerPreface(up, app);
        feed(up, app.rst(upStream, Http2Error.CANCEL.code()));

        List<H2Peer.Frame> rst = ofType(client.read(down), "RST_STREAM");
        assertEquals(1, rst.size());
        assertEquals(Http2Error.CANCEL.code(), rst.get(0).code());
        assertEquals(1, metrics.calls(GrpcStatus.CANCELLED));
    }

    /**
     * The app answers in full and resets its stream before the request ended (grpc-go servers do), while the
     * response still waits for the client's window: the client gets the DATA and the trailers first, and only then
     * RST_STREAM NO_ERROR. Written at once, the reset overtook them and the stream's close dropped them (grpc++ saw
     * INTERNAL "Received RST_STREAM with error code 0" and no message).
     */
    @Test
    void theResetThatEndsTheRequestWaitsForTheQueuedResponse() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, client.settings(new Http2Settings().initialWindowSize(4)));
        feed(down, client.headers(1, request("app"), false)); // the request stays open
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = answerPreface(up, app);
        client.read(down);
        feed(up, app.headers(upStream, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        feed(up, H2Peer.data(upStream, grpcMessage("pong"), false)); // 9 bytes: 4 fit the client's window
        feed(up, app.headers(upStream, new DefaultHttp2Headers().set("grpc-status", "0"), true));
        feed(up, app.rst(upStream, Http2Error.NO_ERROR.code()));

        List<H2Peer.Frame> held = client.read(down);
        assertEquals(List.of(), ofType(held, "RST_STREAM"), "no reset while the response waits: " + held);
        feed(down, client.windowUpdate(1, 1_000));
        List<H2Peer.Frame> rest = client.read(down);
        List<String> order = new java.util.ArrayList<>();
        for (H2Peer.Frame f : rest) {
            if (f.streamId() == 1) {
                order.add(f.type() + (f.endStream() ? "+END" : ""));
            }
        }
        assertEquals(List.of("DATA", "HEADERS+END", "RST_STREAM"), order, rest.toString());
        assertEquals(Http2Error.NO_ERROR.code(), ofType(rest, "RST_STREAM").get(0).code());
        assertEquals(1, metrics.calls(GrpcStatus.OK));
    }

    @Test
    void refusedStreamIsReplayedOnceOnAFreshConnection() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        feed(down, H2Peer.data(1, grpcMessage("again"), true));
        EmbeddedChannel first = upstreams.get(0);
        int upStream = answerPreface(first, apps.get(0));
        feed(first, apps.get(0).rst(upStream, Http2Error.REFUSED_STREAM.code()));

        assertEquals(2, upstreams.size(), "a fresh connection is dialled for the refused stream");
        EmbeddedChannel second = upstreams.get(1);
        H2Peer app2 = apps.get(1);
        List<H2Peer.Frame> replayed = app2.read(second);
        assertEquals(1, ofType(replayed, "HEADERS").size());
        H2Peer.Frame data = ofType(replayed, "DATA").get(0);
        assertArrayEquals(grpcMessage("again"), data.data(), "the request is replayed byte for byte");
        assertTrue(data.endStream());

        int s2 = ofType(replayed, "HEADERS").get(0).streamId();
        feed(second, app2.settings(new Http2Settings()));
        feed(second, app2.headers(s2, new DefaultHttp2Headers().status("200").set("grpc-status", "0"), true));
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals("0", ofType(atClient, "HEADERS").get(0).headers().get("grpc-status").toString());
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty(), "the client never saw the refusal");
    }

    @Test
    void lostAppConnectionEndsTheCallWithUnavailable() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = answerPreface(up, app);
        feed(up, app.headers(upStream, new DefaultHttp2Headers().status("200"), false));
        up.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer")); // the app died
        down.runPendingTasks();

        List<H2Peer.Frame> hs = ofType(client.read(down), "HEADERS");
        assertEquals(2, hs.size());
        assertEquals("14", hs.get(1).headers().get("grpc-status").toString());
        assertTrue(hs.get(1).headers().get("grpc-message").toString().contains("lost"));
    }

    @Test
    void missingAppIdIsATrailersOnlyInvalidArgument() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request(null), false));
        feed(down, H2Peer.data(1, grpcMessage("dropped"), true));
        List<H2Peer.Frame> atClient = client.read(down);
        H2Peer.Frame h = ofType(atClient, "HEADERS").get(0);
        assertEquals("200", h.headers().status().toString());
        assertEquals("application/grpc", h.headers().get("content-type").toString());
        assertEquals("3", h.headers().get("grpc-status").toString());
        assertEquals("cannot proxy request: missing dapr-callee-app-id or dapr-app-id metadata",
                h.headers().get("grpc-message").toString());
        assertTrue(h.endStream());
        assertTrue(upstreams.isEmpty(), "nothing was dialled");
    }

    @Test
    void messageOverMaxBodySizeIsResourceExhausted() throws Exception {
        start(Limits.defaults().withMaxBodySize(8));
        feed(down, client.headers(1, request("app"), false));
        feed(down, H2Peer.data(1, grpcMessage("0123456789"), true));
        H2Peer.Frame h = ofType(client.read(down), "HEADERS").get(0);
        assertEquals("8", h.headers().get("grpc-status").toString());
        assertEquals("grpc: received message larger than max (10 vs. 8)", h.headers().get("grpc-message").toString());
    }
}
