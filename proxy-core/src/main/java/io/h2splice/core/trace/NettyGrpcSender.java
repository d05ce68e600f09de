package io.h2splice.core.trace;

import io.h2splice.core.client.UnaryGrpcClient;
import io.h2splice.core.client.UnaryReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * OpenTelemetry's OTLP/gRPC transport over the proxy's own {@link UnaryGrpcClient} (h2c, or TLS with ALPN {@code h2}
 * for an https endpoint), on its own daemon event loop ({@code h2splice-otlp-grpc}), so the proxy's loops never carry
 * exporter traffic. Compression and OpenTelemetry's retry policy are not applied: the export loop drops a failed
 * batch and goes on.
 *
 * <p>Threading: {@link #send} may be called from any thread.
 */
final class NettyGrpcSender implements GrpcSender {

    private final String path;
    private final long timeoutNanos;
    private final GrpcSenderConfig config;
    private final UnaryGrpcClient client;

    NettyGrpcSender(GrpcSenderConfig config) {
        this.config = config;
        URI endpoint = config.getEndpoint();
        String method = config.getFullMethodName();
        this.path = method.startsWith("/") ? method : "/" + method;
        this.timeoutNanos = config.getTimeout() == null ? TimeUnit.SECONDS.toNanos(10) : config.getTimeout().toNanos();
        int connectMillis = config.getConnectTimeout() == null ? 10_000
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()));
        boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : https ? 443 : 80;
        this.client = new UnaryGrpcClient("h2splice-otlp-grpc", endpoint.getHost(), port,
                https ? sslContext(config) : null, connectMillis, "h2splice-otlp-grpc");
    }

    private static SslContext sslContext(GrpcSenderConfig config) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(UnaryGrpcClient.ALPN_H2);
            if (config.getTrustManager() != null) {
                b.trustManager(config.getTrustManager());
            }
            return b.build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up TLS for " + config.getEndpoint() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        ByteBuf body;
        try {
            body = encode(writer);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        // Ownership: body passes to the client, which releases it once written or failed.
        client.call(path, extraHeaders(), body, timeoutNanos, reply -> onResponse.accept(response(reply)), onError);
    }

    /** The gRPC message: 1-byte flag (not compressed), 4-byte length, the serialized request. */
    private static ByteBuf encode(MessageWriter writer) throws IOException {
        int length = writer.getContentLength();
        ByteBuf body = Unpooled.buffer(5 + length);
        try {
            body.writeByte(0).writeInt(length);
            writer.writeMessage(new ByteBufOutputStream(body));
            return body;
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e;
        }
    }

    private Http2Headers extraHeaders() {
        Map<String, List<String>> extra = config.getHeadersSupplier() == null ? null
                : config.getHeadersSupplier().get();
        if (extra == null || extra.isEmpty()) {
            return null;
        }
        Http2Headers h = new DefaultHttp2Headers();
        extra.forEach((name, values) -> values.forEach(v -> h.add(name.toLowerCase(Locale.ROOT), v)));
        return h;
    }

    private static GrpcResponse response(UnaryReply reply) {
        GrpcStatusCode status = GrpcStatusCode.fromValue(reply.status());
        return new GrpcResponse() {
            @Override
            public GrpcStatusCode getStatusCode() {
                return status;
            }

            @Override
            public String getStatusDescription() {
                return reply.message();
            }

            @Override
            public byte[] getResponseMessage() {
                return reply.body();
            }
        };
    }

    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode result = new CompletableResultCode();
        client.shutdown().addListener(f -> result.succeed());
        return result;
    }
}
