package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.UpstreamPool;
import io.h2splice.core.routing.Router;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2FrameReader;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2InboundFrameLogger;
import io.netty.handler.codec.http2.Http2OutboundFrameLogger;
import io.netty.handler.codec.http2.Http2PromisedRequestVerifier;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Builds the two connection handlers with Netty's limits set deliberately (header list size, concurrent streams,
 * frame size, windows, queued control frames, empty DATA floods). Netty's flat RST_STREAM rate limits (received and
 * sent, on by default for servers) are off: a shared sidecar-to-sidecar connection carries the cancellations of many
 * clients, and cancelling is normal. Rapid reset is judged per client connection on the API listener instead
 * ({@link PrematureResets}). Every connection's receive side is a {@link HeldBytesFlowController}; its send side
 * deals window to streams in chunks of at least {@link #MIN_ALLOCATION_CHUNK} ({@link WholeChunkDistributor}).
 */
final class HandlerBuilder extends AbstractHttp2ConnectionHandlerBuilder<SpliceHandler, HandlerBuilder> {

    /** Control frames (PING/SETTINGS acks, RST) a peer may make us queue before we close it (Netty's default). */
    private static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    /**
     * The least a stream is given of the connection's window at a time when several have bytes to write. Netty's
     * default distributor deals in 1 KiB quanta by weight, so interleaved streams left in frames of a few hundred
     * bytes (DataFramingTest: four 64 KiB messages written at once went out as 197 frames, the smallest of 101
     * bytes, each one more frame header to write, read and splice at the next hop). gRPC ignores priorities; a
     * uniform share of at least a full 16 KiB frame is what grpc-java uses too.
     */
    static final int MIN_ALLOCATION_CHUNK = 16 * 1024;
    /** Consecutive empty DATA frames tolerated (CVE-2019-9518). */
    private static final int MAX_EMPTY_DATA_FRAMES = 2;

    /** Every frame in and out, at TRACE (--log-level debug does not reach it; a JUL level of FINEST does). */
    private static final InternalLogger FRAME_LOG = InternalLoggerFactory.getInstance("h2splice.frames");

    private final LoopState loop;
    private final ProxyMetrics.Side side;
    private final Router router;
    private final UpstreamPool pool;
    private final boolean keepalive;
    private PingStrikes strikes;
    private boolean awaitHop;
    private final MemoryAccount memory;

    private HandlerBuilder(LoopState loop, ProxyMetrics.Side side, Router router, UpstreamPool pool, boolean keepalive,
                           boolean server) {
        this.loop = loop;
        this.side = side;
        this.router = router;
        this.pool = pool;
        this.keepalive = keepalive;
        Limits limits = loop.config().limits();
        Http2Settings settings = new Http2Settings()
                .maxHeaderListSize(limits.maxHeaderListSize())
                .maxFrameSize(limits.maxFrameSize())
                .initialWindowSize(limits.initialWindowSize());
        if (server) {
            settings.maxConcurrentStreams(limits.maxConcurrentStreams());
        } else {
            settings.pushEnabled(false); // only a client may send ENABLE_PUSH
        }
        DefaultHttp2Connection connection = new DefaultHttp2Connection(server);
        memory = loop.memory().newAccount();
        connection.local().flowController(new HeldBytesFlowController(connection, memory));
        connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection,
                new WholeChunkDistributor(connection, MIN_ALLOCATION_CHUNK)));
        initialSettings(settings);
        frameListener(new Http2FrameAdapter()); // replaced by each handler's own listener
        decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_EMPTY_DATA_FRAMES);
        decoderEnforceMaxRstFramesPerWindow(0, 0);
        gracefulShutdownTimeoutMillis(loop.config().gracefulShutdown().toMillis());
        Http2FrameLogger frames = null;
        if (server) {
            // Sees every frame written, to reset the PING strikes as grpc-go does; logs frames at TRACE too.
            strikes = new PingStrikes(loop.config().keepalive().minPeerPingInterval().toNanos());
            frames = new FrameWriteWatcher(strikes, FRAME_LOG.name());
        } else if (FRAME_LOG.isTraceEnabled()) {
            frames = new Http2FrameLogger(LogLevel.TRACE, FRAME_LOG.name());
        }
        codec(connection, limits.maxHeaderListSize(), frames);
    }

    /**
     * The codec as Netty's builder would make it (headers validated, frames logged), with three differences: frames
     * are read by a {@link HeaderBlockJoiner}, DATA frames written are measured ({@link FrameSizeRecordingWriter}),
     * and the queued-control-frame guard is ours ({@link ControlFrameLimit}), because Netty's builder adds its own
     * only to a codec it builds itself. Netty's flat RST_STREAM rate limit on
     * what we send is not added (see the class doc).
     */
    private void codec(DefaultHttp2Connection connection, long maxHeaderListSize, Http2FrameLogger frames) {
        Http2FrameReader reader = new HeaderBlockJoiner(new DefaultHttp2HeadersDecoder(true, maxHeaderListSize));
        Http2FrameWriter writer = new FrameSizeRecordingWriter(loop.metrics().framesWritten(side));
        if (frames != null) {
            reader = new Http2InboundFrameLogger(reader, frames);
            writer = new Http2OutboundFrameLogger(writer, frames);
        }
        Http2ConnectionEncoder encoder = new ControlFrameLimit(new DefaultHttp2ConnectionEncoder(connection, writer),
                MAX_QUEUED_CONTROL_FRAMES);
        Http2ConnectionDecoder decoder = new DefaultHttp2ConnectionDecoder(connection, encoder, reader,
                Http2PromisedRequestVerifier.ALWAYS_VERIFY, true, true, true);
        codec(decoder, encoder);
    }

    /** The API listener judges rapid reset per client connection; the internal listener never does (see class doc). */
    private PrematureResets resetGuard() {
        if (side != ProxyMetrics.Side.API) {
            return null;
        }
        Limits limits = loop.config().limits();
        return new PrematureResets(limits.prematureResetMinStreams(),
                TimeUnit.SECONDS.toNanos(limits.prematureResetWindowSeconds()), System.nanoTime());
    }

    /** A connection accepted on the API ({@code side} API) or internal listener. */
    static DownstreamHandler downstream(LoopState loop, ProxyMetrics.Side side, Router router) {
        return (DownstreamHandler) new HandlerBuilder(loop, side, router, null, true, true).build();
    }

    /** A pooled connection to another sidecar (keepalive on) or to the app (no keepalive, as Dapr). */
    static UpstreamHandler upstream(LoopState loop, ProxyMetrics.Side side, UpstreamPool pool, boolean keepalive,
                                    boolean awaitHop) {
        HandlerBuilder b = new HandlerBuilder(loop, side, null, pool, keepalive, false);
        b.awaitHop = awaitHop;
        return (UpstreamHandler) b.build();
    }

    @Override
    protected SpliceHandler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                  Http2Settings initialSettings) {
        SpliceHandler h = router != null
                ? new DownstreamHandler(decoder, encoder, initialSettings, loop, side, router, strikes, resetGuard(),
                        memory)
                : new UpstreamHandler(decoder, encoder, initialSettings, loop, side, pool, keepalive, awaitHop, memory);
        // The connection window grows beyond the 64 KiB default so that many streams can be in flight at once.
        int extra = loop.config().limits().connectionWindowSize() - 65_535;
        if (extra > 0) {
            h.pendingConnectionWindowIncrement = extra;
        }
        return h;
    }
}
