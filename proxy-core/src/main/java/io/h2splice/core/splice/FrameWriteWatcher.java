package io.h2splice.core.splice;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.logging.LogLevel;

/**
 * Netty's frame-logger hook, used to see every HEADERS and DATA frame this connection actually writes (after the flow
 * controller) so that {@link PingStrikes} resets as grpc-go's does. It still logs frames at TRACE when that is on.
 */
final class FrameWriteWatcher extends Http2FrameLogger {

    private final PingStrikes strikes;

    FrameWriteWatcher(PingStrikes strikes, String loggerName) {
        super(LogLevel.TRACE, loggerName);
        this.strikes = strikes;
    }

    @Override
    public void logData(Direction direction, ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                        boolean endStream) {
        if (direction == Direction.OUTBOUND) {
            strikes.reset();
        }
        super.logData(direction, ctx, streamId, data, padding, endStream); // a no-op unless TRACE is enabled
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int padding, boolean endStream) {
        if (direction == Direction.OUTBOUND) {
            strikes.reset();
        }
        super.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
        if (direction == Direction.OUTBOUND) {
            strikes.reset();
        }
        super.logHeaders(direction, ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }
}
