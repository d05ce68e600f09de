package io.h2splice.core.splice;

import io.h2splice.core.log.LogLimiter;
import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What both ends of a splice share: one HTTP/2 connection, the writes a splice makes to it, write coalescing through
 * the loop's {@link FlushBatch}, and the flow-control credit returned when the other side has written.
 *
 * <p>Threading: everything runs on the connection's event loop, which is also the loop of every connection it
 * splices with. No method here is thread-safe, and none needs to be.
 */
abstract class SpliceHandler extends Http2ConnectionHandler {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(SpliceHandler.class);
    /** Peer-driven lines: at most one per 10 s each, with a count of those left out. */
    private static final LogLimiter UNEXPECTED_LINES = LogLimiter.every10Seconds();
    private static final LogLimiter MEMORY_LINES = LogLimiter.every10Seconds();

    final LoopState loop;
    final ProxyMetrics.Side side;
    /** SETTINGS frames the peer sent in the current window; event loop only. */
    private final SettingsFlood settingsFlood = new SettingsFlood();
    /**
     * Where each stream keeps its {@link StreamOwner} (a {@link Call} on the accepting side, an {@link Attempt} on the
     * other): one property on Netty's own stream object, no map of ours.
     */
    final Http2Connection.PropertyKey ownerKey;
    ChannelHandlerContext ctx;
    private boolean dirty;
    /** Connection-window bytes to grant once the preface is out (set by {@link HandlerBuilder}). */
    int pendingConnectionWindowIncrement;
    private final KeepaliveTimer keepalive;
    /** The receive side's flow control: the connection window refilled on arrival, and the bytes held. */
    private final HeldBytesFlowController flow;
    /** What this connection holds of the loop's memory budget (the flow controller charges it too). */
    final MemoryAccount memory;

    SpliceHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                  LoopState loop, ProxyMetrics.Side side, boolean pingPeer, MemoryAccount memory) {
        super(decoder, encoder, settings);
        // A read that ends inside a frame leaves its tail here for the next read. Netty's default cumulator would
        // then copy the tail and the whole next read into one buffer (or into a bigger one when DATA slices still
        // share the old one), payload included. The composite cumulator links the next read instead: DATA slices
        // stay views of the buffers the socket filled.
        setCumulator(COMPOSITE_CUMULATOR);
        this.loop = loop;
        this.side = side;
        this.memory = memory;
        this.keepalive = pingPeer ? new KeepaliveTimer(this, loop.config().keepalive()) : null;
        this.ownerKey = connection().newKey();
        this.flow = (HeldBytesFlowController) connection().local().flowController();
        if (keepalive != null) {
            connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamClosed(Http2Stream stream) {
                    keepalive.onStreamClosed();
                }
            });
        }
    }

    /** What {@code streamId} is spliced to, or null (unknown stream, or one the proxy answered itself). */
    final <T extends StreamOwner> T owner(int streamId) {
        Http2Stream stream = connection().stream(streamId);
        return stream == null ? null : stream.getProperty(ownerKey);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        loop.memory().open(memory, this);
        super.handlerAdded(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        super.handlerRemoved0(ctx);
        loop.memory().close(memory);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        if (pendingConnectionWindowIncrement > 0) {
            connection().local().flowController()
                    .incrementWindowSize(connection().connectionStream(), pendingConnectionWindowIncrement);
            pendingConnectionWindowIncrement = 0;
            markDirty();
        }
        loop.metrics().connectionOpened(side);
        if (keepalive != null) {
            keepalive.start(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        loop.metrics().connectionClosed(side);
        if (keepalive != null) {
            keepalive.stop();
        }
        super.channelInactive(ctx); // closes every stream: their held bytes and calls are released first
        loop.memory().close(memory);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (keepalive != null) {
            keepalive.onRead();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause); // protocol errors: RST_STREAM or GOAWAY with the right code
            return;
        }
        // Not HTTP/2: a peer that went away (IOException) or a failed TLS handshake (logged with its reason where it
        // is checked). Close quietly; the splices see their streams close.
        if (cause instanceof IOException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.debug("{} connection {} closed: {}", side.label, ctx.channel(), cause.toString());
        } else {
            UNEXPECTED_LINES.warn(log, "{} connection {} closed after an unexpected error", side.label, ctx.channel(),
                    cause);
        }
        ctx.close();
    }

    /** The peer acknowledged our keepalive PING. */
    void onPingAck(long data) {
        if (keepalive != null) {
            keepalive.onPingAck(data);
        }
    }

    /**
     * What both ends' frame listeners share: the priority variant of HEADERS, RST_STREAM bookkeeping and keepalive
     * PING acks. Subclasses handle HEADERS and DATA for their direction.
     */
    abstract class SpliceFrames extends Http2FrameAdapter {

        @Override
        public final void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                                        int streamDependency, short weight, boolean exclusive, int padding,
                                        boolean endStream) throws Http2Exception {
            onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public final void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            loop.metrics().resetReceived(errorCode);
            StreamOwner owner = owner(streamId);
            if (owner != null) {
                owner.onReset(errorCode);
            }
        }

        @Override
        public final void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            loop.metrics().goAwayReceived(errorCode); // debugData: owned by the codec, released after this returns
        }

        @Override
        public final void onPingAckRead(ChannelHandlerContext ctx, long data) {
            onPingAck(data);
        }
    }

    /**
     * The stream whose call holds the most of this connection: DATA received and not yet written on, and on the
     * side that accepted the call also its kept headers and replay. Null when no stream has a call.
     */
    private Http2Stream largestHolder() {
        Http2Stream[] largest = new Http2Stream[1];
        long[] most = {-1};
        try {
            connection().forEachActiveStream(stream -> {
                StreamOwner owner = stream.getProperty(ownerKey);
                if (owner != null) {
                    long held = flow.unconsumedBytes(stream) + owner.keptBytes();
                    if (held > most[0]) {
                        most[0] = held;
                        largest[0] = stream;
                    }
                }
                return true;
            });
        } catch (Http2Exception impossible) {
            throw new IllegalStateException(impossible); // the visitor above never throws
        }
        return largest[0];
    }

    // === the loop's memory budget ===

    /** Bytes of a header block this connection's peer has not finished yet (only accepted connections track it). */
    long openHeaderBlockBytes() {
        return 0;
    }

    /**
     * The loop (or the JVM's direct memory) is over the budget's second mark, as {@code pressure} says, and this
     * connection holds the most ({@link MemoryBudget#run}). A
     * client connection whose charge is mostly an unfinished header block is closed (GOAWAY ENHANCE_YOUR_CALM): the
     * block is not a call yet. Otherwise the call holding the most is shed, so that a shared connection (to another
     * sidecar, or from one) loses the one call that filled it, never the others.
     *
     * @return true when the connection is being closed (its bytes are released as its streams close)
     */
    boolean shedForMemory(String pressure) {
        boolean clientConnection = side == ProxyMetrics.Side.API;
        Http2Stream largest = clientConnection && openHeaderBlockBytes() * 2 >= memory.used() ? null : largestHolder();
        if (largest != null) {
            MEMORY_LINES.warn(log, "memory budget: {}; {} connection {} holds {}: "
                    + "resetting its call holding the most (stream {})", pressure, side.label,
                    ctx.channel(), memory.used(), largest.id());
            loop.metrics().memoryShed(false);
            largest.<StreamOwner>getProperty(ownerKey).shed("the sidecar's memory budget was full and this call held "
                    + "the most of it");
            return false;
        }
        if (clientConnection && !connection().goAwaySent()) {
            MEMORY_LINES.warn(log, "memory budget: {}; closing {} connection {}, "
                    + "which holds {} ({} of them in an unfinished header block)", pressure, side.label,
                    ctx.channel(), memory.used(), openHeaderBlockBytes());
            loop.metrics().memoryShed(true);
            goAwayAndClose(Http2Error.ENHANCE_YOUR_CALM, "memory budget exceeded");
            return true;
        }
        return false;
    }

    // === writes made by a splice (the other end's event loop is this loop) ===

    /**
     * Writes HEADERS; {@code headers} is encoded now by this connection's HPACK encoder, so a failure to encode them
     * (over the peer's SETTINGS_MAX_HEADER_LIST_SIZE) is in the returned future at once.
     */
    ChannelFuture writeHeaders(int streamId, Http2Headers headers, boolean endStream) {
        ChannelFuture f = encoder().writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
        markDirty();
        return f;
    }

    /** The largest header list the peer accepts (its SETTINGS_MAX_HEADER_LIST_SIZE, or ours by default). */
    long peerMaxHeaderListSize() {
        return encoder().configuration().headersConfiguration().maxHeaderListSize();
    }

    /**
     * Writes DATA. Ownership: {@code data} (one reference) passes to the encoder, which releases it once written or
     * failed. {@code written} runs when the frame has left through the flow controller.
     */
    void writeData(int streamId, ByteBuf data, boolean endStream, ChannelFutureListener written) {
        ChannelPromise promise = ctx.newPromise();
        promise.addListener(written);
        encoder().writeData(ctx, streamId, data, 0, endStream, promise);
        markDirty();
    }

    /** Every RST_STREAM we send, ours or the codec's (stream errors), passes here: counted by code. */
    @Override
    public ChannelFuture resetStream(ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
        Http2Stream stream = connection().stream(streamId);
        if (stream == null || !stream.isResetSent()) {
            loop.metrics().resetSent(errorCode);
        }
        return super.resetStream(ctx, streamId, errorCode, promise);
    }

    /** Every GOAWAY we send, ours or the codec's (connection errors), passes here: the first one is counted. */
    @Override
    public ChannelFuture goAway(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData,
                                ChannelPromise promise) {
        if (!connection().goAwaySent()) {
            loop.metrics().goAwaySent(errorCode);
        }
        return super.goAway(ctx, lastStreamId, errorCode, debugData, promise); // debugData: passed on, as Netty's
    }

    void writeReset(int streamId, long errorCode) {
        resetStream(ctx, streamId, errorCode, ctx.newPromise());
        markDirty();
    }

    /** Returns {@code bytes} of receive window for {@code stream}, after the other side wrote them. */
    void consume(Http2Stream stream, int bytes) {
        if (bytes == 0) {
            return;
        }
        try {
            if (connection().local().flowController().consumeBytes(stream, bytes)) {
                markDirty(); // a WINDOW_UPDATE was written
            }
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    boolean isStreamOpen(Http2Stream stream) {
        return stream != null && stream.state() != Http2Stream.State.CLOSED;
    }

    void markDirty() {
        if (!dirty) {
            dirty = true;
            loop.flushBatch().add(this);
        }
    }

    void flushNow() {
        dirty = false;
        if (ctx != null) {
            flush(ctx); // Http2ConnectionHandler.flush: lets the flow controller write queued DATA, then flushes
        }
    }

    /**
     * Closes gracefully: GOAWAY NO_ERROR (with {@code debug} as its debug data) naming the last stream the peer opened,
     * so every call already running finishes (within the graceful-shutdown time) and the peer replays nothing; then
     * close. NO_ERROR because Netty closes at once after a GOAWAY with any other code.
     */
    void drainWith(String debug) {
        if (!connection().goAwaySent()) {
            goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(),
                    Unpooled.copiedBuffer(debug, StandardCharsets.US_ASCII), ctx.newPromise()); // debugData: the encoder's
        }
        ctx.channel().close(); // through Http2ConnectionHandler.close: waits for the running streams, then closes
    }

    /**
     * Counts a SETTINGS frame from the peer against {@link SettingsFlood}. Past the limit the caller reacts (closes or
     * drains, by side); a peer that goes on past twice the limit, drained and still acknowledged frame by frame while
     * its calls run, is cut here (a connection error: ENHANCE_YOUR_CALM; no second GOAWAY where the drain's was sent).
     *
     * @return true when the caller is to react to a flood
     */
    final boolean settingsFlooded() {
        if (!settingsFlood.onSettings(System.nanoTime())) {
            return false;
        }
        if (!settingsFlood.farOver()) {
            return true;
        }
        if (ctx.channel().isActive()) {
            goAwayAndClose(Http2Error.ENHANCE_YOUR_CALM, "too many SETTINGS frames");
        }
        return false;
    }

    /** Connection-level error made by us: GOAWAY with {@code error}, then close. */
    void goAwayAndClose(Http2Error error, String debug) {
        onError(ctx, false, Http2Exception.connectionError(error, "%s", debug));
        markDirty();
    }
}
