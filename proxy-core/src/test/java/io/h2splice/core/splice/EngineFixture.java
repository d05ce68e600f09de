package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.routing.Router;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.AfterEach;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The splice engine over {@link EmbeddedChannel}s, for frame-level tests: a client speaking to a downstream handler
 * (API listener unless a test starts another side), and the far side (the app, or another app's sidecar) of each
 * upstream connection the engine dials: {@link #upstreams}, with the peer speaking for each in {@link #apps}.
 * Every buffer fed in must end with refCnt 1 (the test's own reference) after the engine is done.
 */
abstract class EngineFixture {

    final ProxyMetrics metrics = new ProxyMetrics();
    final List<EmbeddedChannel> upstreams = new ArrayList<>();
    final List<ByteBuf> fed = new ArrayList<>();
    final H2Peer client = new H2Peer(false);
    final List<H2Peer> apps = new ArrayList<>();
    /** The allocator of every channel {@link #start} makes (a fuzz test counts buffers with it); null: Netty's. */
    ByteBufAllocator allocator;
    EmbeddedChannel down;

    EmbeddedChannel start(Limits limits) throws Exception {
        return start(ProxyConfig.loopback("app", 50051).withLimits(limits), ProxyMetrics.Side.API);
    }

    /** The client's connection is accepted on {@code side}'s listener (API or INTERNAL). */
    EmbeddedChannel start(ProxyConfig config, ProxyMetrics.Side side) throws Exception {
        down = newChannel();
        state = loopState(config, dialer(ProxyMetrics.Side.UPSTREAM_APP));
        return accept(side, OutboundRouter.builder("app", "default").build());
    }

    /**
     * The client's connection is accepted on the API listener and routed by {@code router}; every other app's
     * sidecar is at {@code sidecar}, dialled as an upstream of its own.
     */
    EmbeddedChannel startWithSidecar(ProxyConfig config, Router router, InetSocketAddress sidecar) throws Exception {
        down = newChannel();
        state = LoopState.builder(down.eventLoop(), config, metrics)
                .resolver((id, ns) -> CompletableFuture.completedFuture(List.of(sidecar)))
                .sidecarDialer(dialer(ProxyMetrics.Side.UPSTREAM_SIDECAR)).build();
        return accept(ProxyMetrics.Side.API, router);
    }

    private EmbeddedChannel accept(ProxyMetrics.Side side, Router router) throws Exception {
        down.pipeline().addLast(HandlerBuilder.downstream(state, side, router));
        feed(down, client.clientPreface());
        client.read(down);
        return down;
    }

    /** Dials an upstream on {@code side} (the app, or a sidecar): a new channel, and a peer for its far end. */
    private Dialer dialer(ProxyMetrics.Side side) {
        return pool -> {
            EmbeddedChannel up = newChannel();
            upstreams.add(up);
            apps.add(new H2Peer(true));
            up.pipeline().addLast(HandlerBuilder.upstream(state, side, pool, false, false));
            up.pipeline().fireChannelActive(); // added after the channel went active: replay what a socket would do
            return up.newSucceededFuture();
        };
    }

    LoopState state;

    private EmbeddedChannel newChannel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        if (allocator != null) {
            ch.config().setAllocator(allocator);
        }
        return ch;
    }

    private LoopState loopState(ProxyConfig config, Dialer appDialer) {
        return LoopState.builder(down.eventLoop(), config, metrics)
                .app(new InetSocketAddress("127.0.0.1", 50051), appDialer).build();
    }

    void feed(EmbeddedChannel ch, ByteBuf bytes) {
        fed.add(bytes.retain()); // one extra reference, dropped in tearDown, to check the engine released its own
        ch.writeInbound(bytes);
        ch.runPendingTasks();
        runTasks();
    }

    /** Runs what is due after a frame was fed: the tasks of the client's loop (where every flush is batched). */
    void runTasks() {
        down.runPendingTasks();
    }

    @AfterEach
    void tearDown() {
        // A close is graceful (GOAWAY, then waits for open streams up to the shutdown timeout): let that time pass,
        // so calls a test left open end and release what they hold, as they would on a real loop.
        down.pipeline().close(); // not EmbeddedChannel.close(), which cancels the scheduled shutdown timeout
        down.advanceTimeBy(1, TimeUnit.MINUTES);
        down.runPendingTasks();
        down.finishAndReleaseAll();
        for (EmbeddedChannel up : upstreams) {
            up.finishAndReleaseAll();
        }
        client.close();
        apps.forEach(H2Peer::close);
        for (ByteBuf b : fed) {
            assertEquals(1, b.refCnt(), "the engine kept or over-released a buffer fed to it");
            b.release();
        }
    }

    /** The app reads the request HEADERS the engine sent and answers with its SETTINGS; returns the stream id. */
    int answerPreface(EmbeddedChannel up, H2Peer app) throws Exception {
        int streamId = ofType(app.read(up), "HEADERS").get(0).streamId();
        feed(up, app.settings(new Http2Settings()));
        return streamId;
    }

    static Http2Headers request(String appId) {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost")
                .path("/pkg.Svc/Method").set("content-type", "application/grpc").set("te", "trailers")
                .set("x-custom", "v1").set("x-bin-bin", "AAEC");
        if (appId != null) {
            h.set("dapr-app-id", appId);
        }
        return h;
    }

    static byte[] grpcMessage(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[5 + body.length];
        msg[4] = (byte) body.length;
        System.arraycopy(body, 0, msg, 5, body.length);
        return msg;
    }
}
