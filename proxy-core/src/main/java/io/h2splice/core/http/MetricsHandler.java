package io.h2splice.core.http;

import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.metrics.PrometheusText;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Objects;

/**
 * Serves the Prometheus text exposition on every path of the metrics port, as Dapr's exporter does; {@code GET}
 * and {@code HEAD} only. The metrics are read at scrape time from the lock-free {@link ProxyMetrics}.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each request after {@link #channelRead0}.
 */
@ChannelHandler.Sharable
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final ProxyMetrics metrics;
    private final SidecarStatus status;

    MetricsHandler(ProxyMetrics metrics, SidecarStatus status) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpMethod method = request.method();
        FullHttpResponse response;
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            String text = PrometheusText.render(metrics, status.appId(), status.namespace(), status.transport())
                    + status.extraMetrics().get();
            response = Responses.body(ctx.alloc(), HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE, text);
        } else {
            response = Responses.body(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, Responses.TEXT,
                    "method not allowed; allowed: GET, HEAD\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        Responses.send(ctx, method, response);
    }
}
