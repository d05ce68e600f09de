package io.h2splice.core.splice;

import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.log.LogLimiter;
import io.h2splice.core.metrics.LoopMetrics;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.routing.Route;
import io.h2splice.core.routing.Router;
import io.h2splice.core.status.TrailersOnly;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The server end of a splice: one connection accepted on the API or the internal listener. It reads each request's
 * HEADERS, asks its {@link Router} where the call goes, and starts a {@link Call}; later frames of the stream go
 * to that call. It also polices the peer's PINGs (GOAWAY ENHANCE_YOUR_CALM for a client pinging more often than
 * every {@code minPeerPingInterval}, after two strikes, as grpc-go does; on the internal listener a graceful GOAWAY
 * instead, so the calls a peer sidecar carries finish), floods of SETTINGS frames ({@link SettingsFlood}, the same way)
 * and, on the API listener, rapid reset ({@link PrematureResets}).
 */
final class DownstreamHandler extends SpliceHandler {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(DownstreamHandler.class);
    /** One line per 10 s for connections closed for rapid reset, however many attackers (counted in GOAWAY metrics). */
    private static final LogLimiter RAPID_RESET_LINES = LogLimiter.every10Seconds();
    private static final LogLimiter BOMB_LINES = LogLimiter.every10Seconds();
    private static final LogLimiter SETTINGS_FLOOD_LINES = LogLimiter.every10Seconds();

    private final Router router;
    private final PingStrikes pingStrikes;
    /** Null on the internal listener: a peer sidecar carries its clients' cancellations and is never judged by them. */
    private final PrematureResets resets;
    /** Sits just before this handler: unfinished header blocks and the HPACK-bomb balance. */
    private final HeaderBlockMeter meter;

    DownstreamHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                      LoopState loop, ProxyMetrics.Side side, Router router, PingStrikes pingStrikes,
                      PrematureResets resets, MemoryAccount memory) {
        super(decoder, encoder, settings, loop, side, true, memory);
        this.meter = new HeaderBlockMeter(memory, loop.config().limits().maxHeaderListSize());
        this.router = router;
        this.pingStrikes = pingStrikes;
        this.resets = resets;
        connection().addListener(new StreamEvents());
        decoder.frameListener(new Frames());
        gracefulShutdownTimeoutMillis(loop.config().gracefulShutdown().toMillis());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        ctx.pipeline().addBefore(ctx.name(), null, meter);
        loop.downstreamOpened(ctx.channel());
    }

    @Override
    long openHeaderBlockBytes() {
        return meter.openBlockBytes();
    }

    /** Frames read from the client (or the calling sidecar). */
    private final class Frames extends SpliceFrames {

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) {
            long decoded = HeaderBlockMeter.decodedSize(headers);
            if (meter.decodedTooMuch(decoded, headers.size())) {
                closeForBomb(decoded);
                return;
            }
            Http2Stream stream = connection().stream(streamId);
            if (stream == null) {
                return;
            }
            Call existing = stream.getProperty(ownerKey);
            if (existing != null) {
                existing.onRequestTrailers(headers);
                return;
            }
            if (stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                return; // we already answered this stream (a proxy-made error); late trailers are dropped
            }
            if (loop.memory().refusesStream(memory)) { // nothing reached an app: the client may retry at once
                loop.metrics().memoryRefused(false);
                writeReset(streamId, Http2Error.REFUSED_STREAM.code());
                return;
            }
            Route route = router.route(headers, ctx.channel().attr(HopSecurity.PEER).get());
            if (route.kind() == Route.Kind.ERROR) {
                rejectWith(stream, headers, endStream, route);
                return;
            }
            Call call = new Call(DownstreamHandler.this, stream, headers, decoded, endStream, route);
            stream.setProperty(ownerKey, call);
            call.start();
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            Call call = owner(streamId);
            // data is released by the codec after this returns; the call retains what it hands on.
            return call == null ? data.readableBytes() + padding : call.onRequestData(data, padding, endOfStream);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            if (settingsFlooded()) {
                SETTINGS_FLOOD_LINES.warn(log, "{} connection {} closed: over {} SETTINGS frames in {} s", side.label,
                        ctx.channel(), SettingsFlood.MAX_PER_WINDOW, SettingsFlood.WINDOW_NANOS / 1_000_000_000L);
                closeAbuser("too many SETTINGS frames");
            }
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            if (pingStrikes.onPeerPing(System.nanoTime())) {
                closeAbuser("too_many_pings");
            }
        }

    }

    /**
     * A peer abusing control frames: a client connection gets GOAWAY ENHANCE_YOUR_CALM at once; a peer sidecar's
     * connection is drained (GOAWAY NO_ERROR), so the calls of the clients it carries finish.
     */
    private void closeAbuser(String debug) {
        if (side == ProxyMetrics.Side.API) {
            goAwayAndClose(Http2Error.ENHANCE_YOUR_CALM, debug);
        } else {
            drainWith(debug);
        }
    }

    private void rejectWith(Http2Stream stream, Http2Headers headers, boolean requestEnded, Route route) {
        loop.metrics().streamOpened();
        // answered at once: on the API listener Dapr's API server counts and logs it with its status
        boolean api = side == ProxyMetrics.Side.API;
        LoopMetrics m = loop.callMetrics();
        CallEnd.record(loop, headers, route, route.grpcStatus(), 0, null, false,
                api && m.enabled() ? m.method(headers.path()) : null, null, null, api);
        writeHeaders(stream.id(), TrailersOnly.response(route.grpcStatus(), route.message()), true);
        if (!requestEnded) {
            writeReset(stream.id(), Http2Error.NO_ERROR.code());
        }
    }

    /**
     * A stream error of the client's making on a stream still open (MadeYouReset: the client breaks a live stream so
     * that we reset it). A frame for a stream already closed or unknown is not counted: Netty's own client, say, can
     * send a queued DATA frame just after its RST_STREAM, and such a frame cost no stream.
     */
    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                 Http2Exception.StreamException http2Ex) {
        Http2Stream stream = connection().stream(http2Ex.streamId());
        boolean live = !outbound && stream != null && stream.state() != Http2Stream.State.CLOSED;
        super.onStreamError(ctx, outbound, cause, http2Ex);
        if (live && resets != null && resets.onResetProvoked(System.nanoTime())) {
            closeForRapidReset();
        }
    }

    /** An HPACK bomb: header lists that decode to far more than the peer sent ({@link HeaderBlockMeter}). */
    private void closeForBomb(long decoded) {
        BOMB_LINES.warn(log, "{} connection {} closed: a header list of {} bytes decoded from far fewer bytes sent "
                + "(HPACK decompression bomb)", side.label, ctx.channel(), decoded);
        goAwayAndClose(Http2Error.ENHANCE_YOUR_CALM, "header lists decode to far more than was sent");
    }

    private void closeForRapidReset() {
        RAPID_RESET_LINES.warn(log, "{} connection {} closed: {} were reset before a response (rapid reset)",
                side.label, ctx.channel(), resets.describe());
        goAwayAndClose(Http2Error.ENHANCE_YOUR_CALM, "too many streams reset before a response");
    }

    /** Stream lifecycle, from Netty's connection state machine. */
    private final class StreamEvents extends Http2ConnectionAdapter {
        @Override
        public void onStreamActive(Http2Stream stream) {
            if (resets != null && !connection().local().isValidStreamId(stream.id())) {
                resets.onStreamOpened(System.nanoTime());
            }
        }

        @Override
        public void onStreamClosed(Http2Stream stream) {
            Call call = stream.getProperty(ownerKey);
            if (call != null) {
                call.downstreamClosed();
            }
            if (resets != null && ctx.channel().isActive()) {
                long now = System.nanoTime();
                boolean premature = call != null && !stream.isHeadersSent() && call.resetByClientWithin(
                        now, PrematureResets.PREMATURE_LIFETIME_NANOS);
                if (resets.onStreamEnded(premature, now)) {
                    closeForRapidReset();
                }
            }
        }
    }
}
