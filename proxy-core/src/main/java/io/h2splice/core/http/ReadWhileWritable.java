package io.h2splice.core.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Back-pressure for the HTTP/1.1 ports. A connection is not read while its answers pile up unread (over the channel's
 * write-buffer high watermark, 64 KiB by default) and is read again once they drain below the low one; a request
 * decoded while the answers are still piled up (a client pipelining without reading: one socket read may hold
 * thousands of {@code GET /}) closes the connection instead of being answered. So such a client costs one watermark
 * of answers, not memory without end; real clients (Prometheus, probes, curl) never get there.
 *
 * <p>Threading: the connection's event loop. Stateless, shared by every connection.
 */
@ChannelHandler.Sharable
final class ReadWhileWritable extends ChannelInboundHandlerAdapter {

    static final ReadWhileWritable INSTANCE = new ReadWhileWritable();

    private static final InternalLogger log = InternalLoggerFactory.getInstance(ReadWhileWritable.class);

    private ReadWhileWritable() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!ctx.channel().isWritable()) {
            ReferenceCountUtil.release(msg); // the request: ours, and not answered
            if (ctx.channel().isOpen()) {
                log.debug("HTTP connection {} closed: it sent requests without reading the answers", ctx.channel());
                ctx.close();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
