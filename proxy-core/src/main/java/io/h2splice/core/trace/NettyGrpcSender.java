package io.h2splice.core.trace;

import io.h2splice.core.headers.GrpcTimeout;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One OTLP/gRPC client connection (h2c, or TLS with ALPN {@code h2} for an https endpoint), on its own daemon event
 * loop ({@code h2splice-otlp-grpc}), so the proxy's loops never carry exporter traffic. Each export is one stream:
 * HEADERS, one length-prefixed DATA frame, then the response's trailers give the gRPC status. A broken connection
 * is dialled again on the next export. Compression and OpenTelemetry's retry policy are not applied: the export
 * loop drops a failed batch and goes on.
 *
 * <p>Threading: {@link #send} may be called from any thread; the connection is touched only on its event loop.
 */
final class NettyGrpcSender implements GrpcSender {

    private final URI endpoint;
    private final String path;
    private final long timeoutNanos;
    private final long connectTimeoutMillis;
    private final GrpcSenderConfig config;
    private final SslContext ssl;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** The connection; event loop only. */
    private Channel connection;

    NettyGrpcSender(GrpcSenderConfig config) {
        this.config = config;
        this.endpoint = config.getEndpoint();
        String method = config.getFullMethodName();
        this.path = method.startsWith("/") ? method : "/" + method;
        this.timeoutNanos = config.getTimeout() == null ? TimeUnit.SECONDS.toNanos(10) : config.getTimeout().toNanos();
        this.connectTimeoutMillis = config.getConnectTimeout() == null ? 10_000
                : Math.max(1, Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()));
        this.ssl = "https".equalsIgnoreCase(endpoint.getScheme()) ? sslContext(config) : null;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("h2splice-otlp-grpc", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
    }

    private static SslContext sslContext(GrpcSenderConfig config) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2));
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
        // Ownership: body is released by the codec once written, or below when the stream never opens.
        try {
            loop.execute(() -> connected(body, onResponse, onError));
        } catch (RuntimeException rejected) { // shut down
            body.release();
            onError.accept(rejected);
        }
    }

    /** The gRPC message: 1-byte flag (not compressed), 4-byte length, the serialized request. */
    private static ByteBuf encode(MessageWriter writer) throws IOException {
        int length = writer.getContentLength();
        ByteBuf body = io.netty.buffer.Unpooled.buffer(5 + length);
        try {
            body.writeByte(0).writeInt(length);
            writer.writeMessage(new ByteBufOutputStream(body));
            return body;
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e;
        }
    }

    private void connected(ByteBuf body, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        if (connection != null && connection.isActive()) {
            openStream(connection, body, onResponse, onError);
            return;
        }
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : ssl != null ? 443 : 80;
        ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), endpoint.getHost(), port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(endpoint.getHost(), port);
        connection = f.channel();
        f.addListener(done -> {
            if (done.isSuccess()) {
                openStream(f.channel(), body, onResponse, onError);
            } else {
                body.release();
                onError.accept(done.cause());
            }
        });
    }

    private void openStream(Channel parent, ByteBuf body, Consumer<GrpcResponse> onResponse,
                            Consumer<Throwable> onError) {
        Exchange exchange = new Exchange(onResponse, onError);
        new Http2StreamChannelBootstrap(parent).handler(exchange).open().addListener(opened -> {
            if (!opened.isSuccess()) {
                body.release();
                exchange.fail(opened.cause());
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            exchange.timeout = stream.eventLoop().schedule(() -> {
                exchange.fail(new TimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                        + " ms"));
                stream.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            stream.write(new DefaultHttp2HeadersFrame(requestHeaders(), false));
            // The frame owns body from here: the codec releases it once written (or failed).
            stream.writeAndFlush(new DefaultHttp2DataFrame(body, true)).addListener(w -> {
                if (!w.isSuccess()) {
                    exchange.fail(w.cause());
                }
            });
        });
    }

    private Http2Headers requestHeaders() {
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST").scheme(ssl != null ? "https" : "http").path(path)
                .authority(endpoint.getRawAuthority());
        h.set("content-type", "application/grpc");
        h.set("te", "trailers");
        h.set("user-agent", "h2splice-otlp-grpc");
        h.set("grpc-timeout", GrpcTimeout.format(timeoutNanos));
        Map<String, List<String>> extra = config.getHeadersSupplier() == null ? null
                : config.getHeadersSupplier().get();
        if (extra != null) {
            extra.forEach((name, values) -> values.forEach(v -> h.add(name.toLowerCase(Locale.ROOT), v)));
        }
        return h;
    }

    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode result = new CompletableResultCode();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> result.succeed());
        return result;
    }

    /** One export's stream: collects the response and reports it once. Its stream's event loop only. */
    private static final class Exchange extends ChannelInboundHandlerAdapter {
        private final Consumer<GrpcResponse> onResponse;
        private final Consumer<Throwable> onError;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        ScheduledFuture<?> timeout;
        private boolean done;

        Exchange(Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
            this.onResponse = onResponse;
            this.onError = onError;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame hf) {
                    Http2Headers h = hf.headers();
                    CharSequence status = h.status();
                    if (status != null && !"200".contentEquals(status)) {
                        fail(new IOException("HTTP status " + status + " from the OTLP/gRPC endpoint"));
                        ctx.close();
                    } else if (hf.isEndStream()) {
                        finish(h);
                        ctx.close();
                    }
                } else if (msg instanceof Http2DataFrame df) {
                    ByteBuf b = df.content();
                    b.readBytes(message, b.readableBytes());
                    if (df.isEndStream()) {
                        fail(new IOException("the OTLP/gRPC endpoint ended the stream without trailers"));
                    }
                } else if (msg instanceof Http2ResetFrame rf) {
                    fail(new IOException("the OTLP/gRPC endpoint reset the stream (code " + rf.errorCode() + ")"));
                }
            } catch (IOException e) {
                fail(e);
            } finally {
                ReferenceCountUtil.release(msg); // frames read from a stream channel are ours to release
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("the OTLP/gRPC stream closed before the response ended"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void finish(Http2Headers trailers) {
            CharSequence code = trailers.get("grpc-status");
            CharSequence description = trailers.get("grpc-message");
            int value;
            try {
                value = code == null ? GrpcStatusCode.UNKNOWN.getValue() : Integer.parseInt(code.toString());
            } catch (NumberFormatException e) {
                value = GrpcStatusCode.UNKNOWN.getValue();
            }
            GrpcStatusCode status = GrpcStatusCode.fromValue(value);
            String text = description == null ? null : CallSpanData.percentDecode(description.toString());
            byte[] all = message.toByteArray();
            byte[] reply = all.length >= 5 ? java.util.Arrays.copyOfRange(all, 5, all.length) : all;
            if (complete()) {
                onResponse.accept(new GrpcResponse() {
                    @Override
                    public GrpcStatusCode getStatusCode() {
                        return status;
                    }

                    @Override
                    public String getStatusDescription() {
                        return text;
                    }

                    @Override
                    public byte[] getResponseMessage() {
                        return reply;
                    }
                });
            }
        }

        void fail(Throwable cause) {
            if (complete()) {
                onError.accept(cause);
            }
        }

        private boolean complete() {
            if (done) {
                return false;
            }
            done = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            return true;
        }
    }
}
