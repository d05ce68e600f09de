package io.h2splice.core.client;

import io.h2splice.core.headers.GrpcTimeout;
import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.status.TrailersOnly;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.NetUtil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One gRPC client connection for unary calls (h2c, or TLS with ALPN {@code h2} when given an {@link SslContext}), on
 * a daemon event loop of its own, so the proxy's loops never carry this traffic. Each call is one stream: HEADERS,
 * one DATA frame with the length-prefixed request, then the response's trailers give the status. A broken
 * connection is dialled again on the next call. No compression, no retries: the caller decides what a failure means.
 * A response over {@link #MAX_RESPONSE_BYTES} fails its call.
 *
 * <p>Threading: {@link #call} may be made from any thread; the connection is touched only on the client's loop, and
 * the callbacks run there (do not block in them).
 */
public final class UnaryGrpcClient implements AutoCloseable {

    private final String host;
    private final int port;
    private final String authority;
    private final SslContext ssl;
    private final int connectTimeoutMillis;
    private final String userAgent;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /**
     * The most a response may carry (gRPC's default largest inbound message, 4 MiB, and its prefix): a server that
     * sends more fails the call instead of filling this process's memory.
     */
    public static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024 + 5;

    /** ALPN offering only {@code h2}, for the {@link SslContext} a TLS client of this class is given. */
    public static final ApplicationProtocolConfig ALPN_H2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2);

    /** Ends the connection's pipeline: a failure (a refused handshake) is reported by the call it fails. */
    private static final ChannelInboundHandlerAdapter CLOSE_ON_ERROR = new CloseOnError();

    /** The connection, once connected and through its TLS handshake; event loop only. */
    private Future<Channel> ready;

    /**
     * @param threadName    the name of the client's event-loop thread
     * @param host          the server's host (also the TLS server name)
     * @param port          the server's port
     * @param ssl           TLS with ALPN h2, or null for h2c
     * @param connectMillis how long a dial may take
     * @param userAgent     the user-agent header of every call
     */
    public UnaryGrpcClient(String threadName, String host, int port, SslContext ssl, int connectMillis,
                           String userAgent) {
        this.host = host;
        this.port = port;
        this.authority = NetUtil.toSocketAddressString(host, port);
        this.ssl = ssl;
        this.connectTimeoutMillis = Math.max(1, connectMillis);
        this.userAgent = userAgent;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true),
                NioIoHandler.newFactory());
        this.loop = group.next();
    }

    /** A gRPC message: 1-byte flag (not compressed), 4-byte length, then {@code message}. */
    public static ByteBuf frame(byte[] message) {
        return Unpooled.buffer(5 + message.length).writeByte(0).writeInt(message.length).writeBytes(message);
    }

    /** {@link #call(String, Http2Headers, ByteBuf, long, Consumer, Consumer)} as a future, with no extra headers. */
    public CompletableFuture<UnaryReply> call(String path, byte[] message, long timeoutNanos) {
        CompletableFuture<UnaryReply> result = new CompletableFuture<>();
        call(path, null, frame(message), timeoutNanos, result::complete, result::completeExceptionally);
        return result;
    }

    /**
     * Sends one request. {@code onReply} gets the status and response of a call the server answered (any status);
     * {@code onError} gets why there was no answer (cannot connect, TLS refused, reset, timeout). One of them is
     * called, once.
     *
     * @param path         {@code /package.Service/Method}
     * @param extra        further request headers (lower-case names), or null
     * @param framed       the length-prefixed request ({@link #frame}); this client owns it from here and releases it
     * @param timeoutNanos the call's deadline, also sent as {@code grpc-timeout}
     */
    public void call(String path, Http2Headers extra, ByteBuf framed, long timeoutNanos, Consumer<UnaryReply> onReply,
                     Consumer<Throwable> onError) {
        try {
            loop.execute(() -> connected(new Request(path, extra, framed, timeoutNanos), onReply, onError));
        } catch (RuntimeException rejected) { // closed
            framed.release();
            onError.accept(rejected);
        }
    }

    private record Request(String path, Http2Headers extra, ByteBuf framed, long timeoutNanos) {
    }

    private void connected(Request request, Consumer<UnaryReply> onReply, Consumer<Throwable> onError) {
        if (ready == null || ready.isDone() && (!ready.isSuccess() || !ready.getNow().isActive())) {
            ready = dial();
        }
        ready.addListener(f -> {
            if (f.isSuccess()) {
                openStream(ready.getNow(), request, onReply, onError);
            } else {
                request.framed().release();
                onError.accept(f.cause());
            }
        });
    }

    /** A new connection, ready once connected and (with TLS) its handshake done, so a refused certificate is
     *  reported as such rather than as a closed stream. */
    private Future<Channel> dial() {
        Promise<Channel> result = loop.newPromise();
        ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), CLOSE_ON_ERROR);
                    }
                })
                .connect(host, port);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                result.tryFailure(done.cause());
            } else if (ssl == null) {
                result.trySuccess(f.channel());
            } else {
                f.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(shaken -> {
                    if (shaken.isSuccess()) {
                        result.trySuccess(f.channel());
                    } else {
                        result.tryFailure(shaken.cause());
                    }
                });
            }
        });
        return result;
    }

    private void openStream(Channel parent, Request request, Consumer<UnaryReply> onReply,
                            Consumer<Throwable> onError) {
        Exchange exchange = new Exchange(onReply, onError);
        new Http2StreamChannelBootstrap(parent).handler(exchange).open().addListener(opened -> {
            if (!opened.isSuccess()) {
                request.framed().release();
                exchange.fail(opened.cause());
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            exchange.timeout = stream.eventLoop().schedule(() -> {
                exchange.fail(new TimeoutException("no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(request.timeoutNanos()) + " ms"));
                stream.close();
            }, request.timeoutNanos(), TimeUnit.NANOSECONDS);
            stream.write(new DefaultHttp2HeadersFrame(headers(request), false));
            // The frame owns the request from here: the codec releases it once written (or failed).
            stream.writeAndFlush(new DefaultHttp2DataFrame(request.framed(), true)).addListener(w -> {
                if (!w.isSuccess()) {
                    exchange.fail(w.cause());
                }
            });
        });
    }

    private Http2Headers headers(Request request) {
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST").scheme(ssl != null ? "https" : "http").path(request.path()).authority(authority);
        h.set(HeaderNames.CONTENT_TYPE, "application/grpc");
        h.set("te", "trailers");
        h.set(HeaderNames.USER_AGENT, userAgent);
        h.set(HeaderNames.GRPC_TIMEOUT, GrpcTimeout.format(request.timeoutNanos()));
        if (request.extra() != null) {
            h.add(request.extra());
        }
        return h;
    }

    /** Closes the connection and stops the client's event loop; calls made afterwards fail at once. */
    public Future<?> shutdown() {
        return group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        shutdown().awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class CloseOnError extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One call's stream: collects the response and reports it once. Its stream's event loop only. */
    private static final class Exchange extends ChannelInboundHandlerAdapter {
        private final Consumer<UnaryReply> onReply;
        private final Consumer<Throwable> onError;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        ScheduledFuture<?> timeout;
        private boolean done;

        Exchange(Consumer<UnaryReply> onReply, Consumer<Throwable> onError) {
            this.onReply = onReply;
            this.onError = onError;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame hf) {
                    CharSequence status = hf.headers().status();
                    if (status != null && !"200".contentEquals(status)) {
                        fail(new IOException("HTTP status " + status + " instead of a gRPC response"));
                        ctx.close();
                    } else if (hf.isEndStream()) {
                        finish(hf.headers());
                        ctx.close();
                    }
                } else if (msg instanceof Http2DataFrame df) {
                    ByteBuf b = df.content();
                    if (message.size() + (long) b.readableBytes() > MAX_RESPONSE_BYTES) {
                        fail(new IOException("the response is larger than " + MAX_RESPONSE_BYTES + " bytes"));
                        ctx.close(); // resets the stream: the server sends no more of it
                        return;
                    }
                    b.readBytes(message, b.readableBytes());
                    if (df.isEndStream()) {
                        fail(new IOException("the server ended the stream without trailers"));
                    }
                } else if (msg instanceof Http2ResetFrame rf) {
                    fail(new IOException("the server reset the stream (HTTP/2 error code " + rf.errorCode() + ")"));
                }
            } catch (IOException e) {
                fail(e);
            } finally {
                ReferenceCountUtil.release(msg); // frames read from a stream channel are ours to release
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("the stream closed before the response ended"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void finish(Http2Headers trailers) {
            CharSequence code = trailers.get(HeaderNames.GRPC_STATUS);
            CharSequence description = trailers.get(HeaderNames.GRPC_MESSAGE);
            int value;
            try {
                value = code == null ? 2 : Integer.parseInt(code.toString());
            } catch (NumberFormatException e) {
                value = 2;
            }
            String text = description == null ? null : TrailersOnly.percentDecode(description.toString());
            byte[] all = message.toByteArray();
            byte[] reply = all.length >= 5 ? Arrays.copyOfRange(all, 5, all.length) : new byte[0];
            if (complete()) {
                onReply.accept(new UnaryReply(value, text, reply));
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
