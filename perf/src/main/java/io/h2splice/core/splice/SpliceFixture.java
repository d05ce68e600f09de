package io.h2splice.core.splice;

import io.h2splice.core.config.Keepalive;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.headers.HopHeaders;
import io.h2splice.core.inbound.InboundRouter;
import io.h2splice.core.metrics.MetricsSettings;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.trace.CallTracer;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.resolve.AppKey;
import io.h2splice.core.resolve.StaticResolver;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.routing.Router;
import io.h2splice.core.testing.H2Peer;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.h2splice.core.testing.H2Peer.ofType;

/**
 * A sidecar's splice engine on {@link EmbeddedChannel}s: a client connection accepted on the API (or internal)
 * listener, and the one upstream connection the engine dials (to the other sidecar, or to the app), with the real
 * {@link HandlerBuilder}, {@link LoopState}, router, resolver ({@link StaticResolver}) and pool. The far ends are
 * {@link H2Peer}s speaking real frame bytes.
 *
 * <p>Calls are replayed from pre-encoded frames (warm HPACK blocks, stream ids patched in), so the stages below
 * allocate nothing of their own: what a benchmark sees allocated is the proxy's and Netty's. The first two calls are
 * made at construction and checked frame by frame (routed headers, DATA, trailers), so a fixture that routes wrong
 * fails at setup instead of measuring an error path.
 *
 * <p>Ownership: every buffer here is released by {@link #close()}; everything the channels write is released as it
 * is drained.
 */
final class SpliceFixture implements AutoCloseable {

    enum Listener { API, INTERNAL }

    static final String CALLER = "client";
    static final String CALLEE = "server";
    static final String NS = "default";
    /**
     * The window every peer grants (stream and connection), topped up by 1 GiB each time 1 GiB of it was used, so it
     * never goes past 2^31-1 (which would be a FLOW_CONTROL_ERROR). DATA frames here are single, unpadded frames.
     */
    private static final int BIG_WINDOW = Integer.MAX_VALUE;
    static final int TOP_UP = 1 << 30;

    final ProxyMetrics metrics;
    final EmbeddedChannel down = new EmbeddedChannel();
    /**
     * The channel whose event loop is the sidecar's loop ({@link LoopState}): runs the loop's tasks, the flush batch
     * above all, when {@link #runLoop()} says. {@link #down} itself unless the fixture was asked for a loop of its
     * own: an {@code EmbeddedChannel} runs its loop's pending tasks after every write and flush made on it, so with
     * the client connection's loop the flush batch may run inside a write the engine makes during a read, nested in
     * another flush batch, which a real event loop never does.
     */
    final EmbeddedChannel loop;
    final List<EmbeddedChannel> dialled = new ArrayList<>();
    EmbeddedChannel up;
    /** The far ends: their HPACK states are the connections', so other fixtures encode and decode through them. */
    final H2Peer client = new H2Peer(false);
    final H2Peer app = new H2Peer(true);
    private final LoopState state;
    private final List<ByteBuf> owned = new ArrayList<>();

    /** Client id of the next call, and the id the engine will give its upstream stream. */
    int downId = 1;
    int upId = 1;

    // Replayable frames (stream ids patched per call).
    final ByteBuf requestHeaders;      // HEADERS
    final ByteBuf requestMessage;      // DATA, end of stream
    final ByteBuf request;             // HEADERS + DATA (END_STREAM): a unary request in one read
    final ByteBuf responseHeaders;     // HEADERS
    final ByteBuf responseMessage;     // DATA
    final ByteBuf responseTrailers;    // HEADERS, end of stream
    final ByteBuf response;            // HEADERS + DATA + trailers: a unary response in one read
    private final ByteBuf clientTopUp;     // WINDOW_UPDATE of the connection and of the open stream
    private final ByteBuf clientTopUpStream;
    private final ByteBuf appTopUp;
    private final ByteBuf appTopUpStream;
    private long clientWindowUsed;
    private long appWindowUsed;

    /**
     * @param listener       which listener accepted the client connection
     * @param requestHeaders the client's request headers (for {@code INTERNAL}, rewritten here as sidecar A would)
     * @param messageBytes   size of the request and response DATA payloads (a gRPC message with its prefix)
     */
    SpliceFixture(Listener listener, Http2Headers requestHeaders, int messageBytes) throws Exception {
        this(listener, requestHeaders, messageBytes, MetricsSettings.defaults(), CallTracer.OFF);
    }

    /**
     * As above, with the sidecar's per-call metrics settings and tracer.
     */
    SpliceFixture(Listener listener, Http2Headers requestHeaders, int messageBytes, MetricsSettings metricsSettings,
                  CallTracer tracer) throws Exception {
        this(listener, requestHeaders, messageBytes, metricsSettings, tracer, ResiliencyPolicies.NONE, false);
    }

    /**
     * As above, with the resiliency policies the API listener's router gives calls to other apps ({@code INTERNAL}
     * ignores them: policies apply on the caller's sidecar only).
     */
    SpliceFixture(Listener listener, Http2Headers requestHeaders, int messageBytes, MetricsSettings metricsSettings,
                  CallTracer tracer, ResiliencyPolicies policies) throws Exception {
        this(listener, requestHeaders, messageBytes, metricsSettings, tracer, policies, false);
    }

    /**
     * As above; with {@code ownLoop} the sidecar's loop is a channel of its own ({@link #loop}), whose tasks run only
     * when {@link #runLoop()} is called: after each read, as a real event loop runs them after its I/O.
     */
    SpliceFixture(Listener listener, Http2Headers requestHeaders, int messageBytes, MetricsSettings metricsSettings,
                  CallTracer tracer, ResiliencyPolicies policies, boolean ownLoop) throws Exception {
        this.loop = ownLoop ? new EmbeddedChannel() : down;
        this.metrics = new ProxyMetrics(metricsSettings, 1);
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            System.err.println("[perf] warning: benchmark thread is not a FastThreadLocalThread; run with "
                    + "-Djmh.executor=CUSTOM -Djmh.executor.class=io.h2splice.perf.support.FastThreadExecutor");
        }
        boolean api = listener == Listener.API;
        String own = api ? CALLER : CALLEE;
        Duration hour = Duration.ofHours(1);
        // Keepalive as configured, but never firing during a run: nothing answers PINGs here.
        ProxyConfig config = ProxyConfig.loopback(own, 50051).withKeepalive(new Keepalive(hour, hour, hour,
                Duration.ofSeconds(8)));
        StaticResolver resolver = new StaticResolver(Map.of(new AppKey(CALLEE, NS),
                List.of(new InetSocketAddress("127.0.0.1", 50002))));
        state = LoopState.builder(loop.eventLoop(), config, metrics).resolver(resolver)
                .sidecarDialer(dialer(ProxyMetrics.Side.UPSTREAM_SIDECAR, true))
                .app(new InetSocketAddress("127.0.0.1", 50051), dialer(ProxyMetrics.Side.UPSTREAM_APP, false))
                .tracer(tracer).build();
        Router router = api ? OutboundRouter.builder(own, NS).resiliency(policies).build() : InboundRouter.builder(own, NS).build();
        down.pipeline().addLast(HandlerBuilder.downstream(state, api ? ProxyMetrics.Side.API
                : ProxyMetrics.Side.INTERNAL, router));
        down.pipeline().fireChannelActive(); // added after the channel went active: replay what a socket does
        Http2Settings peerSettings = new Http2Settings().initialWindowSize(BIG_WINDOW);
        feedOnce(down, client.clientPreface(peerSettings));
        feedOnce(down, client.settingsAck());
        feedOnce(down, client.windowUpdate(0, BIG_WINDOW - 65_535));
        H2Peer.drain(down);

        Http2Headers reqHeaders = requestHeaders;
        if (!api) { // what sidecar A sends on: its own rewrite applied
            HopHeaders.toRemoteSidecar(reqHeaders, AsciiString.of(CALLEE), AsciiString.of(CALLER), AsciiString.of(NS));
        }

        // Call 1, cold HPACK on every connection, checked.
        feedOnce(down, client.headers(downId, reqHeaders, false), downId);
        if (up == null) {
            throw new IllegalStateException("no upstream connection was dialled: " + client.read(down));
        }
        feedOnce(up, app.settings(peerSettings));
        feedOnce(up, app.settingsAck());
        feedOnce(up, app.windowUpdate(0, BIG_WINDOW - 65_535));
        List<H2Peer.Frame> atApp = app.read(up);
        H2Peer.Frame routed = ofType(atApp, "HEADERS").get(0);
        checkRouted(routed.headers(), api);
        upId = routed.streamId();
        feedOnce(down, H2Peer.grpcData(downId, messageBytes, true), downId);
        expect(app.read(up), "DATA", 1);
        feedOnce(up, app.headers(upId, RequestHeaders.grpcResponse(), false), upId);
        feedOnce(up, H2Peer.grpcData(upId, messageBytes, false), upId);
        feedOnce(up, app.headers(upId, RequestHeaders.grpcOkTrailers(), true), upId);
        List<H2Peer.Frame> atClient = client.read(down);
        expect(atClient, "HEADERS", 2);
        expect(atClient, "DATA", 1);
        nextCall();

        // Warm blocks: the same headers again refer to HPACK table entries only.
        this.requestHeaders = keep(client.headers(downId, reqHeaders, false));
        this.requestMessage = keep(H2Peer.grpcData(downId, messageBytes, true));
        this.request = keep(H2Peer.concat(client.headers(downId, reqHeaders, false),
                H2Peer.grpcData(downId, messageBytes, true)));
        this.responseHeaders = keep(app.headers(upId, RequestHeaders.grpcResponse(), false));
        this.responseMessage = keep(H2Peer.grpcData(upId, messageBytes, false));
        this.responseTrailers = keep(app.headers(upId, RequestHeaders.grpcOkTrailers(), true));
        this.response = keep(H2Peer.concat(app.headers(upId, RequestHeaders.grpcResponse(), false),
                H2Peer.grpcData(upId, messageBytes, false), app.headers(upId, RequestHeaders.grpcOkTrailers(), true)));
        this.clientTopUp = keep(client.windowUpdate(0, TOP_UP));
        this.clientTopUpStream = keep(client.windowUpdate(downId, TOP_UP));
        this.appTopUp = keep(app.windowUpdate(0, TOP_UP));
        this.appTopUpStream = keep(app.windowUpdate(upId, TOP_UP));

        // Call 2, from the replayable frames, checked.
        H2Peer.feed(down, request, downId);
        runLoop();
        atApp = app.read(up);
        checkRouted(ofType(atApp, "HEADERS").get(0).headers(), api);
        if (ofType(atApp, "HEADERS").get(0).streamId() != upId) {
            throw new IllegalStateException("upstream stream ids do not go up by 2: " + atApp);
        }
        expect(atApp, "DATA", 1);
        H2Peer.feed(up, response, upId);
        runLoop();
        atClient = client.read(down);
        expect(atClient, "HEADERS", 2);
        expect(atClient, "DATA", 1);
        nextCall();
        checkIdle();
    }

    // === stages of a call (allocation-free on the fixture's side) ===

    /** Client HEADERS in, routed HEADERS drained from the upstream connection. @return bytes written upstream */
    long requestHeaders() {
        H2Peer.feed(down, requestHeaders, downId);
        runLoop();
        return H2Peer.drain(up) + H2Peer.drain(down);
    }

    /** Client DATA (end of stream) in, drained upstream. */
    long requestMessage() {
        return requestData(requestMessage);
    }

    /** A whole unary request (HEADERS + DATA) in one read. */
    long request() {
        H2Peer.feed(down, request, downId);
        runLoop();
        return H2Peer.drain(up) + H2Peer.drain(down);
    }

    /** One request DATA frame of the open call, from the client's side. */
    long requestData(ByteBuf frame) {
        H2Peer.feed(down, frame, downId);
        runLoop();
        appWindowUsed += frame.capacity() - 9; // its payload
        if (appWindowUsed >= TOP_UP) { // the app grants more, as a reading peer does (never above 2^31-1)
            appWindowUsed -= TOP_UP;
            H2Peer.feed(up, appTopUp);
            H2Peer.feed(up, appTopUpStream, upId);
        }
        return H2Peer.drain(up) + H2Peer.drain(down);
    }

    /** One response DATA frame of the open call, from the app's side. */
    long responseData(ByteBuf frame) {
        H2Peer.feed(up, frame, upId);
        runLoop();
        clientWindowUsed += frame.capacity() - 9;
        if (clientWindowUsed >= TOP_UP) { // the client grants more, as a reading peer does (never above 2^31-1)
            clientWindowUsed -= TOP_UP;
            H2Peer.feed(down, clientTopUp);
            H2Peer.feed(down, clientTopUpStream, downId);
        }
        return H2Peer.drain(down) + H2Peer.drain(up);
    }

    long responseHeaders() {
        return fromApp(responseHeaders);
    }

    long responseMessage() {
        return fromApp(responseMessage);
    }

    /** The app's trailers in, forwarded to the client: the call ends. */
    long responseTrailers() {
        return fromApp(responseTrailers);
    }

    /** A whole unary response (HEADERS + DATA + trailers) in one read. */
    long response() {
        return fromApp(response);
    }

    private long fromApp(ByteBuf frames) {
        H2Peer.feed(up, frames, upId);
        runLoop();
        return H2Peer.drain(down) + H2Peer.drain(up);
    }

    /** Runs the sidecar loop's pending tasks (the flush batch of every connection that was written to). */
    void runLoop() {
        loop.runPendingTasks();
    }

    /** The next call gets the next stream ids on both connections. */
    void nextCall() {
        downId += 2;
        upId += 2;
    }

    /** Fails when a call is left open, a connection closed, or the engine answered with an error. */
    void checkIdle() {
        down.checkException();
        if (!down.isActive() || up == null || !up.isActive() || dialled.size() != 1) {
            throw new IllegalStateException("connections broke: down " + down.isActive() + ", dialled " + dialled);
        }
        if (metrics.streamsActive() != 0) {
            throw new IllegalStateException(metrics.streamsActive() + " calls still open");
        }
        long ok = metrics.calls(0);
        if (ok != metrics.streamsTotal()) {
            throw new IllegalStateException(ok + " of " + metrics.streamsTotal() + " calls ended OK");
        }
    }

    @Override
    public void close() {
        down.finishAndReleaseAll();
        if (loop != down) {
            loop.finishAndReleaseAll();
        }
        for (EmbeddedChannel ch : dialled) {
            ch.finishAndReleaseAll();
        }
        client.close();
        app.close();
        for (ByteBuf b : owned) {
            if (b.refCnt() != 1) {
                throw new IllegalStateException("a replayed frame ends with refCnt " + b.refCnt() + ", not 1");
            }
            b.release();
        }
        owned.clear();
    }

    // === setup helpers ===

    private Dialer dialer(ProxyMetrics.Side side, boolean sidecar) {
        return pool -> {
            EmbeddedChannel ch = new EmbeddedChannel();
            dialled.add(ch);
            up = ch;
            ch.pipeline().addLast(HandlerBuilder.upstream(state, side, pool, sidecar, false)); // plaintext hop
            ch.pipeline().fireChannelActive(); // added after the channel went active: replay what a socket does
            return ch.newSucceededFuture();
        };
    }

    private ByteBuf keep(ByteBuf b) {
        owned.add(b);
        return b;
    }

    private void feedOnce(EmbeddedChannel ch, ByteBuf frames, int streamId) {
        H2Peer.feed(ch, frames, streamId);
        frames.release();
        runLoop();
    }

    private void feedOnce(EmbeddedChannel ch, ByteBuf frames) {
        H2Peer.feed(ch, frames);
        frames.release();
        runLoop();
    }

    private static void checkRouted(Http2Headers h, boolean api) {
        if (h.get("dapr-app-id") != null || !CALLEE.contentEquals(h.get("dapr-callee-app-id"))
                || !CALLER.contentEquals(h.get("dapr-caller-app-id"))
                || !"/helloworld.Greeter/SayHello".contentEquals(h.path())) {
            throw new IllegalStateException("routed headers (" + (api ? "api" : "internal") + ") are wrong: " + h);
        }
    }

    private static void expect(List<H2Peer.Frame> frames, String type, int n) {
        if (ofType(frames, type).size() != n) {
            throw new IllegalStateException("expected " + n + " " + type + " frame(s), got " + frames);
        }
    }
}
