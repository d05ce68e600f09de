package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.testing.H2Peer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.UnaryOperator;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad requests stop at the first sidecar, on either listener: each is answered trailers-only INVALID_ARGUMENT with
 * what is wrong, its request side reset, and nothing is dialled, so no app ever sees it.
 */
class RequestAtTheDoorTest extends EngineFixture {

    enum Bad {
        NO_METHOD(h -> {
            h.remove(":method");
            return h;
        }, "malformed request: no :method pseudo-header"),
        NO_SCHEME(h -> {
            h.remove(":scheme");
            return h;
        }, "malformed request: no :scheme pseudo-header"),
        NO_PATH(h -> {
            h.remove(":path");
            return h;
        }, "malformed request: no :path pseudo-header"),
        GET(h -> h.method("GET"), "malformed request: :method GET (a gRPC call is a POST)"),
        DOT_DOT(h -> h.path("/../x"), "invalid method: /../x"),
        THREE_SEGMENTS(h -> h.path("/a.B/C/D"), "invalid method: /a.B/C/D"),
        NO_METHOD_NAME(h -> h.path("/a.B/"), "invalid method: /a.B/");

        final UnaryOperator<Http2Headers> spoil;
        final String message;

        Bad(UnaryOperator<Http2Headers> spoil, String message) {
            this.spoil = spoil;
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void onTheApiListener(Bad bad) throws Exception {
        assertRefused(ProxyMetrics.Side.API, bad);
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void onTheInternalListener(Bad bad) throws Exception {
        assertRefused(ProxyMetrics.Side.INTERNAL, bad);
    }

    @Test
    void headersTheAppRefusesAsTooLargeAreNamedAndCostNoOtherCall() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), false));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int first = ofType(app.read(up), "HEADERS").get(0).streamId();
        feed(up, H2Peer.concat(app.settings(new Http2Settings().maxHeaderListSize(1024)), app.settingsAck()));

        feed(down, client.headers(3, request("app").set("x-big", "v".repeat(2048)), true));
        List<H2Peer.Frame> atClient = client.read(down);
        H2Peer.Frame h = ofType(atClient, "HEADERS").get(0);
        assertEquals(3, h.streamId());
        assertEquals("13", h.headers().get("grpc-status").toString(), "INTERNAL, not a retryable UNAVAILABLE");
        assertEquals("header list size to send violates the maximum size (1024 bytes) set by server",
                h.headers().get("grpc-message").toString());
        List<H2Peer.Frame> atApp = app.read(up);
        assertTrue(atApp.stream().noneMatch(f -> f.streamId() > first), "nothing of the refused call: " + atApp);

        feed(up, app.headers(first, new DefaultHttp2Headers().status("200").set("grpc-status", "0"), true));
        assertEquals("0", ofType(client.read(down), "HEADERS").get(0).headers().get("grpc-status").toString(),
                "the call already on that connection is answered");
        assertEquals(1, upstreams.size());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te"})
    void connectionSpecificHeadersAreAStreamErrorAndReachNoApp(String name) throws Exception {
        start(Limits.defaults());
        Http2Headers h = new io.netty.handler.codec.http2.DefaultHttp2Headers(false).method("POST").scheme("http")
                .authority("localhost").path("/pkg.Svc/Method").set("content-type", "application/grpc")
                .set("dapr-app-id", "app").set(name, "gzip"); // te must be "trailers"; the others never appear
        feed(down, client.headers(1, h, false));
        List<H2Peer.Frame> atClient = client.read(down);
        List<H2Peer.Frame> resets = ofType(atClient, "RST_STREAM");
        assertEquals(1, resets.size(), atClient.toString());
        assertEquals(io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR.code(), resets.get(0).code());
        assertTrue(upstreams.isEmpty(), "nothing was dialled");
        assertTrue(down.isActive());
    }

    private void assertRefused(ProxyMetrics.Side side, Bad bad) throws Exception {
        start(ProxyConfig.loopback("app", 50051), side);
        feed(down, client.headers(1, bad.spoil.apply(request("app")), false));
        List<H2Peer.Frame> atClient = client.read(down);
        H2Peer.Frame h = ofType(atClient, "HEADERS").get(0);
        assertEquals("3", h.headers().get("grpc-status").toString(), atClient.toString());
        assertEquals(bad.message, h.headers().get("grpc-message").toString());
        assertTrue(h.endStream());
        assertEquals(1, ofType(atClient, "RST_STREAM").size(), "the request side is ended too");
        assertTrue(upstreams.isEmpty(), "nothing was dialled: the request reached no app");
        assertTrue(down.isActive(), "the connection serves on");
    }
}
