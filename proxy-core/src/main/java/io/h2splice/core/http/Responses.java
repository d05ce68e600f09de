package io.h2splice.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Builds and sends the few kinds of response the HTTP and metrics listeners give.
 *
 * <p>Ownership: every {@code FullHttpResponse} built here owns its content; {@link #send} hands it to the pipeline,
 * whose encoder releases it once written (or on a failed write).
 */
final class Responses {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    private Responses() {
    }

    /** A response without a body ({@code 204 No Content} and friends): no content-length, as RFC 9110 asks for 204. */
    static FullHttpResponse empty(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    }

    /** A response whose body is {@code body} encoded as UTF-8, with the given content-type and its length. */
    static FullHttpResponse body(ByteBufAllocator alloc, HttpResponseStatus status, String contentType, CharSequence body) {
        ByteBuf content = ByteBufUtil.writeUtf8(alloc, body);  // owned by the response from here on
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }

    /** Dapr's error body: {@code {"errorCode":"ERR_...","message":"..."}}, as {@code application/json}. */
    static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String errorCode, String message) {
        String json = new JsonWriter().beginObject()
                .field("errorCode", errorCode)
                .field("message", message)
                .endObject()
                .toString();
        return body(alloc, status, JSON, json);
    }

    /**
     * Writes {@code response} as the answer to a request with method {@code method}: for {@code HEAD} the body is
     * dropped and its content-length kept. Whether the connection stays open is {@code HttpServerKeepAliveHandler}'s
     * call, from the request's and the response's {@code connection} headers.
     */
    static ChannelFuture send(ChannelHandlerContext ctx, HttpMethod method, FullHttpResponse response) {
        FullHttpResponse out = response;
        if (HttpMethod.HEAD.equals(method) && response.content().isReadable()) {
            out = response.replace(Unpooled.EMPTY_BUFFER);  // headers copied, content-length kept
            response.release();
        }
        return ctx.writeAndFlush(out);  // the encoder releases out's content
    }
}
