package io.h2splice.core.http;

import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar's HTTP/1.1 listeners, as pipeline initializers; the runtime binds them on its own event loops.
 *
 * <ul>
 *   <li>{@link #api}: the HTTP port ({@code --dapr-http-port}): {@code /v1.0/healthz}, {@code /v1.0/healthz/outbound},
 *       {@code /v1.0/metadata} and {@code PUT /v1.0/metadata/<key>}.</li>
 *   <li>{@link #metrics}: the metrics port ({@code --metrics-port}): Prometheus text on any path.</li>
 *   <li>{@link #publicHealth}: the public port ({@code --dapr-public-port}, Kubernetes' probes): {@code /v1.0/healthz}
 *       only.</li>
 * </ul>
 *
 * <p>Each connection gets: {@code HttpServerCodec} (request line ≤ 4 KiB, headers ≤ 8 KiB) → keep-alive handling
 * (HTTP/1.1 persistent by default, HTTP/1.0 only with {@code connection: keep-alive}) → an aggregator with a small
 * body limit (larger bodies get 413) → a filter answering unparsable requests with 400 and closing → back-pressure
 * ({@link ReadWhileWritable}: not read while answers pile up unread, closed if it pipelines past them) → the route
 * handler → a guard that closes idle connections after {@value #IDLE_SECONDS} s and connections whose handlers
 * failed. Handlers hold no per-connection state; they read {@link SidecarStatus} once per request.
 */
public final class HttpEndpoints {

    /** The largest request body accepted on the HTTP port: enough for {@code appCommand} and friends. */
    static final int MAX_API_BODY = 64 * 1024;
    /** Scrapes carry no body. */
    static final int MAX_METRICS_BODY = 1024;
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int IDLE_SECONDS = 120;

    private HttpEndpoints() {
    }

    /** The HTTP port's pipeline. {@code status} is read on every request, from the connections' event loops. */
    public static ChannelInitializer<Channel> api(SidecarStatus status) {
        return initializer(new ApiHandler(status), MAX_API_BODY);
    }

    /** The metrics port's pipeline: Prometheus text format 0.0.4 of {@code metrics}, labelled from {@code status}. */
    public static ChannelInitializer<Channel> metrics(ProxyMetrics metrics, SidecarStatus status) {
        return initializer(new MetricsHandler(metrics, status), MAX_METRICS_BODY);
    }

    /** The public port's pipeline: {@code GET /v1.0/healthz} from {@code status}, nothing else; requests carry no body. */
    public static ChannelInitializer<Channel> publicHealth(SidecarStatus status) {
        return initializer(new PublicHealthHandler(status), MAX_METRICS_BODY);
    }

    private static ChannelInitializer<Channel> initializer(ChannelHandler routes, int maxBody) {
        Objects.requireNonNull(routes, "routes");
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_INITIAL_LINE)
                        .setMaxHeaderSize(MAX_HEADER_SIZE)));
                p.addLast("keepAlive", new HttpServerKeepAliveHandler());
                p.addLast("aggregator", new HttpObjectAggregator(maxBody));
                p.addLast("malformed", MalformedRequestFilter.INSTANCE);
                p.addLast("backPressure", ReadWhileWritable.INSTANCE);
                p.addLast("routes", routes);
                p.addLast("guard", ConnectionGuard.INSTANCE);
            }
        };
    }
}
