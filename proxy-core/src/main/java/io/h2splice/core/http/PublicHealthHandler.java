package io.h2splice.core.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.Objects;

/**
 * Routes requests on the public port ({@code --dapr-public-port}, Dapr's 3501): only {@code GET} (or {@code HEAD})
 * {@code /v1.0/healthz}, answered exactly as on the HTTP port, for the kubelet's probes. Everything else is 404 (405
 * with {@code Allow} for another method on healthz): the port listens on every interface of the pod, so metadata and
 * its {@code PUT} stay on the HTTP port, which binds loopback. Shared and stateless, as {@link ApiHandler}.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each request after {@link #channelRead0}.
 */
@ChannelHandler.Sharable
final class PublicHealthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final SidecarStatus status;

    PublicHealthHandler(SidecarStatus status) {
        this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpMethod method = request.method();
        FullHttpResponse response;
        try {
            QueryStringDecoder target = new QueryStringDecoder(ApiHandler.originForm(request.uri()));
            if (!target.rawPath().equals(ApiHandler.HEALTHZ)) {
                response = Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "ERR_NOT_FOUND",
                        "the public port serves only " + ApiHandler.HEALTHZ);
            } else if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
                response = Healthz.healthz(ctx.alloc(), status, target.parameters());
            } else {
                response = ApiHandler.notAllowed(ctx, ApiHandler.GET_HEAD);
            }
        } catch (IllegalArgumentException badEncoding) {  // a bad %-escape in the query
            response = ApiHandler.malformedTarget(ctx);
        }
        Responses.send(ctx, method, response);
    }
}
