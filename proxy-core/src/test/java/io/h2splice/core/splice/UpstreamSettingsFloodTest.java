package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app (or another app's sidecar) flooding the connection the sidecar dialled with SETTINGS frames, each of which
 * costs the sidecar's loop an acknowledgement: past {@link SettingsFlood#MAX_PER_WINDOW} in its window the connection
 * is drained, as a peer sidecar's is on the internal listener: GOAWAY NO_ERROR, the call running on it finishes, and
 * the next call gets a fresh connection.
 */
class UpstreamSettingsFloodTest extends EngineFixture {

    @Test
    void aFloodingAppsConnectionIsDrainedAndItsRunningCallFinishes() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), true));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upStream = answerPreface(up, app); // the app's first SETTINGS
        feed(up, settings(SettingsFlood.MAX_PER_WINDOW - 1));
        assertEquals(List.of(), ofType(app.read(up), "GOAWAY"), "100 SETTINGS frames are allowed");

        feed(up, settings(1));
        List<H2Peer.Frame> atApp = app.read(up);
        List<H2Peer.Frame> goAway = ofType(atApp, "GOAWAY");
        assertEquals(1, goAway.size(), atApp.toString());
        assertEquals(0, goAway.get(0).code(), "drained, not cut: NO_ERROR");
        assertTrue(up.isActive(), "the running call keeps its connection");

        feed(up, app.headers(upStream, new DefaultHttp2Headers().status("200").set("content-type",
                "application/grpc"), false));
        feed(up, H2Peer.data(upStream, grpcMessage("done"), false));
        feed(up, app.headers(upStream, new DefaultHttp2Headers().set("grpc-status", "0"), true));
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(2, ofType(atClient, "HEADERS").size(), atClient.toString());
        assertEquals(1, ofType(atClient, "DATA").size(), atClient.toString());
        up.runPendingTasks();
        assertFalse(up.isActive(), "closed once its last call ended");

        feed(down, client.headers(3, request("app"), true));
        assertEquals(2, upstreams.size(), "the next call dials a fresh connection");
    }

    /**
     * Drained, the connection still acknowledges every SETTINGS frame while its call runs: a peer flooding on past twice
     * the limit is cut (closed: its GOAWAY was sent when it was drained), and the call on it ends UNAVAILABLE instead
     * of waiting.
     */
    @Test
    void aFloodGoingOnWhileDrainedIsCutAndItsCallEnds() throws Exception {
        start(Limits.defaults());
        feed(down, client.headers(1, request("app"), true));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        answerPreface(up, app);
        feed(up, settings(apps.get(0), SettingsFlood.MAX_PER_WINDOW)); // 101 with the preface's
        assertEquals(0, ofType(app.read(up), "GOAWAY").get(0).code(), "drained first");
        feed(up, settings(apps.get(0), SettingsFlood.MAX_PER_WINDOW - 1));
        assertTrue(up.isActive(), "twice the limit is still only drained");
        feed(up, settings(apps.get(0), 1));
        up.runPendingTasks();
        assertFalse(up.isActive(), "cut (its GOAWAY was sent when it was drained)");
        runTasks();
        List<H2Peer.Frame> atClient = client.read(down);
        List<H2Peer.Frame> trailers = ofType(atClient, "HEADERS");
        assertEquals(1, trailers.size(), atClient.toString());
        assertEquals("14", trailers.get(0).headers().get("grpc-status").toString(), "UNAVAILABLE");
    }

    /** A peer sidecar on the internal listener: drained past the limit, cut past twice the limit, the same way. */
    @Test
    void aPeerSidecarFloodingOnWhileDrainedIsCut() throws Exception {
        start(ProxyConfig.loopback("app", 50051), ProxyMetrics.Side.INTERNAL);
        feed(down, client.headers(1, request("app"), true)); // a running call keeps the drained connection open
        answerPreface(upstreams.get(0), apps.get(0));
        feed(down, settings(client, SettingsFlood.MAX_PER_WINDOW)); // and the one in the preface
        List<H2Peer.Frame> first = ofType(client.read(down), "GOAWAY");
        assertEquals(List.of(0L), first.stream().map(H2Peer.Frame::code).toList(), "drained: NO_ERROR");
        feed(down, settings(client, SettingsFlood.MAX_PER_WINDOW - 1));
        assertTrue(down.isActive(), "twice the limit is still only drained");
        feed(down, settings(client, 1));
        assertFalse(down.isActive(), "then cut, with its call");
    }

    private ByteBuf settings(int count) {
        return settings(apps.get(0), count);
    }

    private static ByteBuf settings(H2Peer peer, int count) {
        ByteBuf all = Unpooled.buffer();
        for (int i = 0; i < count; i++) {
            ByteBuf f = peer.settings(new Http2Settings());
            all.writeBytes(f);
            f.release();
        }
        return all;
    }
}
