package io.h2splice.core.http;

import io.h2splice.core.log.LogLimiter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;

/**
 * Last handler of the HTTP and metrics pipelines: closes connections that stay idle, and closes the connection on
 * any exception that reaches the end of the pipeline. A client's doing (a reset connection, bytes the codec refused)
 * is logged at DEBUG without a stack trace; anything else is a bug of ours and is logged at WARN with one.
 */
@ChannelHandler.Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    static final ConnectionGuard INSTANCE = new ConnectionGuard();

    private static final InternalLogger log = InternalLoggerFactory.getInstance(ConnectionGuard.class);
    private static final LogLimiter UNEXPECTED_LINES = LogLimiter.every10Seconds();

    private ConnectionGuard() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.debug("{} idle, closing", ctx.channel());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isClientFault(cause)) {
            log.debug("{} closing: {}", ctx.channel(), String.valueOf(cause));
        } else {
            UNEXPECTED_LINES.warn(log, "{} unexpected error in HTTP handler, closing the connection", ctx.channel(),
                    cause);
        }
        ctx.close();
    }

    static boolean isClientFault(Throwable cause) {
        return cause instanceof IOException || cause instanceof DecoderException;
    }
}
