package io.h2splice.core.splice;

import io.h2splice.core.hop.HopEvent;
import io.h2splice.core.log.LogLimiter;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.PooledConnection;
import io.h2splice.core.pool.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The client end of a splice: one pooled connection to another sidecar or to the app. Response frames go to the
 * {@link Attempt} attached to their stream. GOAWAY puts the connection in draining: no new streams, running ones finish, the
 * connection closes when the last one ends; streams above GOAWAY's last stream id are marked refused so their
 * calls replay them on a fresh connection.
 */
final class UpstreamHandler extends SpliceHandler implements PooledConnection {

    private final UpstreamPool pool;
    /** A secure hop: the pool hears of this connection only once {@link HopEvent#ESTABLISHED} arrives. */
    private final boolean awaitHop;
    /** The pool was told: either {@link UpstreamPool#connectionActive} or {@link UpstreamPool#connectionFailed}. */
    private boolean announced;
    private boolean draining;
    /** Floods are made by peers at will: at most one line per 10 s. */
    private static final LogLimiter SETTINGS_FLOOD_LINES = LogLimiter.every10Seconds();
    private static final InternalLogger log = InternalLoggerFactory.getInstance(UpstreamHandler.class);

    UpstreamHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                    LoopState loop, ProxyMetrics.Side side, UpstreamPool pool, boolean keepalive, boolean awaitHop,
                    MemoryAccount memory) {
        super(decoder, encoder, settings, loop, side, keepalive, memory);
        this.pool = pool;
        this.awaitHop = awaitHop;
        connection().addListener(new StreamEvents());
        decoder.frameListener(new Frames());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx); // sends the preface first: streams may follow it at once
        flushNow();
        if (!awaitHop) {
            announced = true;
            pool.connectionActive(this);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == HopEvent.ESTABLISHED && !announced) {
            announced = true;
            pool.connectionActive(this);
        } else if (evt == HopEvent.PEER_EXPIRING) {
            draining = true; // new calls go to a fresh connection with a fresh handshake
            pool.connectionClosed(this);
            closeIfDrained();
        } else if (evt instanceof HopEvent.Failed failed && !announced) {
            announced = true;
            draining = true;
            pool.connectionFailed(this, failed.reason());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        draining = true;
        if (!announced) {
            announced = true;
            pool.connectionFailed(this, "connection closed before the handshake completed");
        }
        pool.connectionClosed(this);
        super.channelInactive(ctx); // closes every stream: their splices see upstreamClosed()
    }

    // === PooledConnection ===

    @Override
    public boolean canOpenStream() {
        return !draining && ctx != null && ctx.channel().isActive() && connection().local().canOpenStream();
    }

    @Override
    public io.netty.channel.Channel channel() {
        return ctx.channel();
    }

    @Override
    public void closeNow() {
        draining = true;
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    void markExhausted() {
        draining = true;
        closeIfDrained();
    }

    void attach(Http2Stream stream, Attempt attempt) {
        stream.setProperty(ownerKey, attempt);
    }

    /** The splice gave this stream up (a retried attempt): its later frames and events are dropped here. */
    void detach(Http2Stream stream) {
        stream.removeProperty(ownerKey);
    }

    /**
     * The app or the other sidecar sends SETTINGS past {@link SettingsFlood}'s limit, each costing this loop an
     * acknowledgement: as from a peer sidecar on the internal listener, the connection is drained (GOAWAY NO_ERROR, no
     * new calls, its running calls finish or meet the shutdown timeout), and new calls go to a fresh connection. If the
     * flood goes on past twice the limit, {@link #settingsFlooded} cuts it.
     */
    private void floodedWithSettings() {
        if (draining && connection().goAwaySent()) {
            return;
        }
        SETTINGS_FLOOD_LINES.warn(log, "{} connection {} drained: over {} SETTINGS frames in {} s", side.label,
                ctx.channel(), SettingsFlood.MAX_PER_WINDOW, SettingsFlood.WINDOW_NANOS / 1_000_000_000L);
        draining = true;
        pool.connectionClosed(this);
        drainWith("too many SETTINGS frames");
    }

    private void closeIfDrained() {
        if (draining && connection().numActiveStreams() == 0 && ctx != null) {
            ctx.channel().close(); // through Http2ConnectionHandler.close: our GOAWAY, then close
        }
    }

    /** Frames read from the app or the other sidecar. */
    private final class Frames extends SpliceFrames {

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) {
            Attempt attempt = owner(streamId);
            if (attempt != null) {
                attempt.onResponseHeaders(headers, endStream);
            }
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            Attempt attempt = owner(streamId);
            // data is released by the codec after this returns; the call retains what it hands on.
            return attempt == null ? data.readableBytes() + padding
                    : attempt.onResponseData(data, padding, endOfStream);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            if (settingsFlooded()) {
                floodedWithSettings();
                return;
            }
            pool.capacityAvailable();
        }

    }

    /** Stream lifecycle and GOAWAY, from Netty's connection state machine. */
    private final class StreamEvents extends Http2ConnectionAdapter {

        @Override
        public void onStreamClosed(Http2Stream stream) {
            Attempt attempt = stream.getProperty(ownerKey);
            if (attempt != null) {
                attempt.closed();
            }
            if (draining) {
                closeIfDrained();
            } else {
                pool.capacityAvailable();
            }
        }

        @Override
        public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
            draining = true;
            // Called before Netty closes the streams above lastStreamId: those were never processed by the peer.
            try {
                connection().forEachActiveStream(stream -> {
                    if (stream.id() > lastStreamId) {
                        Attempt attempt = stream.getProperty(ownerKey);
                        if (attempt != null) {
                            attempt.markRefused();
                        }
                    }
                    return true;
                });
            } catch (Http2Exception impossible) {
                throw new IllegalStateException(impossible); // the visitor above never throws
            }
            pool.connectionClosed(UpstreamHandler.this);
            ctx.executor().execute(UpstreamHandler.this::closeIfDrained);
        }
    }
}
