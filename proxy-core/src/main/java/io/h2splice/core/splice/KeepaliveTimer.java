package io.h2splice.core.splice;

import io.h2splice.core.config.Keepalive;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Keepalive for one connection (Dapr's grpc-go settings): a PING after {@link Keepalive#pingInterval()} without
 * reading anything, the connection closed when the PING is not acknowledged within {@link Keepalive#pingTimeout()},
 * and a graceful close (GOAWAY) after {@link Keepalive#maxIdle()} without any open stream, measured from the end of
 * the last stream as grpc-go's {@code MaxConnectionIdle} (to one tick): a connection whose calls are short but
 * frequent is never idle, however rarely a tick finds a stream open.
 *
 * <p>Threading: confined to the connection's event loop; one scheduled task per connection, no per-frame work beyond
 * a field write per socket read and per stream end. Time is the loop's ticker (a test's EmbeddedChannel can move it).
 */
final class KeepaliveTimer implements Runnable {

    /** Opaque data of our keepalive PINGs, told apart from the peer's own and from BDP pings. */
    static final long PING_DATA = 0x6832_7370_6c69_6365L; // "h2splice"

    private final SpliceHandler handler;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final long maxIdleNanos;
    private final long tickNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> task;
    private long lastReadNanos;
    /** Set per socket read, cleared by the tick: a field write instead of a clock read on the read path. */
    private boolean readSinceTick;
    private long pingSentNanos;
    private boolean pingOutstanding;
    /** The last tick that found a stream open, or a stream ended before it. */
    private long busyNanos;
    /** Set per stream end, cleared by the tick. */
    private boolean streamEndedSinceTick;

    KeepaliveTimer(SpliceHandler handler, Keepalive config) {
        this.handler = handler;
        this.intervalNanos = config.pingInterval().toNanos();
        this.timeoutNanos = config.pingTimeout().toNanos();
        this.maxIdleNanos = config.maxIdle().toNanos();
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(intervalNanos, timeoutNanos) / 2);
    }

    void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastReadNanos = ctx.executor().ticker().nanoTime();
        busyNanos = lastReadNanos;
        task = ctx.executor().schedule(this, tickNanos, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    void onRead() {
        readSinceTick = true;
    }

    void onStreamClosed() {
        streamEndedSinceTick = true;
    }

    void onPingAck(long data) {
        if (data == PING_DATA) {
            pingOutstanding = false;
        }
    }

    @Override
    public void run() {
        if (task == null || !ctx.channel().isActive()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (readSinceTick) {
            readSinceTick = false;
            lastReadNanos = now; // accurate to one tick, which is at most half the ping interval or timeout
        }
        if (pingOutstanding && now - pingSentNanos >= timeoutNanos) {
            handler.goAwayAndClose(io.netty.handler.codec.http2.Http2Error.NO_ERROR, "keepalive ping not acknowledged");
            ctx.close();
            return;
        }
        if (!pingOutstanding && now - lastReadNanos >= intervalNanos) {
            pingOutstanding = true;
            pingSentNanos = now;
            handler.encoder().writePing(ctx, false, PING_DATA, ctx.newPromise());
            handler.markDirty();
        }
        if (streamEndedSinceTick || handler.connection().numActiveStreams() > 0) {
            streamEndedSinceTick = false;
            busyNanos = now;
        } else if (now - busyNanos >= maxIdleNanos) {
            ctx.channel().close(); // through Http2ConnectionHandler.close: GOAWAY, then close
            return;
        }
        task = ctx.executor().schedule(this, tickNanos, TimeUnit.NANOSECONDS);
    }
}
