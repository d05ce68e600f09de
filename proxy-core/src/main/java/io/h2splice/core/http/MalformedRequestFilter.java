package io.h2splice.core.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Answers a request the HTTP codec could not parse with an error and closes the connection. The codec marks such a
 * request with a failed {@link DecoderResult} (and discards whatever follows on the connection); the aggregator
 * passes it on as a {@code FullHttpRequest}. A client's mistake, so it is logged at DEBUG only.
 *
 * <p>400 for malformed syntax; 414 for a request line and 431 for headers over the codec's limits.
 */
@ChannelHandler.Sharable
final class MalformedRequestFilter extends ChannelInboundHandlerAdapter {

    static final MalformedRequestFilter INSTANCE = new MalformedRequestFilter();

    private static final InternalLogger log = InternalLoggerFactory.getInstance(MalformedRequestFilter.class);

    private MalformedRequestFilter() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DecoderResultProvider provider) || provider.decoderResult().isSuccess()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Throwable cause = provider.decoderResult().cause();
        ReferenceCountUtil.release(msg);  // we own it and answer it here
        log.debug("{} malformed HTTP request: {}", ctx.channel(), String.valueOf(cause));
        FullHttpResponse response;
        if (cause instanceof TooLongHttpLineException) {
            response = Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_URI_TOO_LONG, "ERR_MALFORMED_REQUEST",
                    "request line too long");
        } else if (cause instanceof TooLongHttpHeaderException) {
            response = Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "ERR_MALFORMED_REQUEST", "request headers too large");
        } else {
            response = Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "ERR_MALFORMED_REQUEST",
                    "malformed HTTP request");
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);  // the encoder releases the content
    }
}
