package io.h2splice.core.splice;

import io.h2splice.core.log.LogLimiter;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Closes a connection (GOAWAY ENHANCE_YOUR_CALM) whose peer makes us queue more than {@code max} frames it asked for
 * but does not read: SETTINGS and PING acknowledgements and RST_STREAM, the floods of CVE-2019-9512 and -9515. A
 * frame counts from its write until the socket took it.
 *
 * <p>Netty's connection-handler builder adds a guard of its own for this, but only around a codec it builds itself;
 * {@link HandlerBuilder} builds the codec around its own frame reader ({@link HeaderBlockJoiner}), so the guard is
 * here. Threading: the connection's event loop.
 */
final class ControlFrameLimit extends DecoratingHttp2ConnectionEncoder {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(ControlFrameLimit.class);
    /** One line per 10 s however many peers flood (each closed connection is counted in the GOAWAY metrics). */
    private static final LogLimiter LINES = LogLimiter.every10Seconds();

    private final int max;
    private int queued;
    private final ChannelFutureListener written = f -> queued--;
    private Http2LifecycleManager lifecycle;
    private boolean tripped;

    ControlFrameLimit(Http2ConnectionEncoder delegate, int max) {
        super(delegate);
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive, got " + max);
        }
        this.max = max;
    }

    @Override
    public void lifecycleManager(Http2LifecycleManager lifecycleManager) {
        this.lifecycle = lifecycleManager;
        super.lifecycleManager(lifecycleManager);
    }

    @Override
    public ChannelFuture writeSettingsAck(ChannelHandlerContext ctx, ChannelPromise promise) {
        return super.writeSettingsAck(ctx, counted(ctx, promise));
    }

    @Override
    public ChannelFuture writePing(ChannelHandlerContext ctx, boolean ack, long data, ChannelPromise promise) {
        // Our own PINGs (keepalive) are paced by us; only the answers to the peer's are counted.
        return super.writePing(ctx, ack, data, ack ? counted(ctx, promise) : promise);
    }

    @Override
    public ChannelFuture writeRstStream(ChannelHandlerContext ctx, int streamId, long errorCode,
                                        ChannelPromise promise) {
        return super.writeRstStream(ctx, streamId, errorCode, counted(ctx, promise));
    }

    /** The promise, counted until the frame is written; at the limit (after one flush) the connection is closed. */
    private ChannelPromise counted(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (tripped) {
            return promise;
        }
        if (queued >= max) {
            ctx.flush(); // what the socket takes now completes and uncounts
        }
        if (queued >= max) {
            tripped = true;
            Http2Exception e = Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "%d control frames queued that the peer does not read", max);
            LINES.warn(log, "connection {} closed: {} control frames queued that the peer does not read", ctx.channel(),
                    max);
            lifecycle.onError(ctx, true, e);
            ctx.close();
            return promise;
        }
        queued++;
        return promise.unvoid().addListener(written);
    }
}
