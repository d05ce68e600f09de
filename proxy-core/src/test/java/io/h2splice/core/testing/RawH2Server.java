package io.h2splice.core.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare HTTP/2 server on 127.0.0.1 that stands where a sidecar or an app would, to do at frame level what grpc-java
 * never does on purpose: refuse a stream (RST_STREAM REFUSED_STREAM), send GOAWAY below a stream's id, reset a stream
 * with any code, drop the connection, or flood it with SETTINGS frames. Every request stream, in arrival order over all connections, takes the next
 * {@link Action} queued with {@link #then}; with none left it echoes. Echo answers as a gRPC server would: status 200,
 * {@code content-type: application/grpc}, the request's DATA bytes unchanged (gRPC-framed already), then trailers
 * {@code grpc-status: 0}.
 *
 * <p>Each stream is recorded with the connection it came on ({@link Stream}). Frames are handled on the server's own
 * event loop; the records are thread-safe.
 */
public final class RawH2Server implements AutoCloseable {

    /** What the server does with one request stream. */
    public enum Action {
        /** Answer as a gRPC echo once the request ended. */
        ECHO,
        /** RST_STREAM(REFUSED_STREAM) on the request HEADERS: the stream was never processed. */
        REFUSE,
        /** GOAWAY whose last stream id is below this stream's, on its HEADERS: the stream was never processed. */
        GOAWAY,
        /** RST_STREAM(INTERNAL_ERROR) once the request ended. */
        RESET_INTERNAL_ERROR,
        /** RST_STREAM(CANCEL) once the request ended. */
        RESET_CANCEL,
        /** Close the connection once the request ended, without answering. */
        CLOSE,
        /** {@value #FLOOD} SETTINGS frames on the request HEADERS, then answer as {@link #ECHO}. */
        FLOOD_SETTINGS
    }

    /** How many SETTINGS frames {@link Action#FLOOD_SETTINGS} sends. */
    public static final int FLOOD = 1_000;

    /** One request stream as the server saw it. */
    public record Stream(int connection, int streamId, Http2Headers headers, byte[] data, Action action) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final ConcurrentLinkedQueue<Action> script = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Stream> streams = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();

    private RawH2Server() throws InterruptedException {
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Handler.create(connections.incrementAndGet(), RawH2Server.this));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    public static RawH2Server start() throws InterruptedException {
        return new RawH2Server();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Queues what the next request streams do, in order. */
    public RawH2Server then(Action... actions) {
        script.addAll(List.of(actions));
        return this;
    }

    /** Every request stream so far, in arrival order. */
    public List<Stream> streams() {
        return new ArrayList<>(streams);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (!group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            throw new AssertionError("raw HTTP/2 server did not stop within 10 s");
        }
    }

    private Action next() {
        Action a = script.poll();
        return a == null ? Action.ECHO : a;
    }

    /** One connection: Netty's connection handler, with its listener acting on the script. */
    private static final class Handler extends Http2ConnectionHandler {

        private final int connection;
        private final RawH2Server server;
        /** Request bytes and action of each open stream; on the connection's loop only. */
        private final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
        private final Map<Integer, Http2Headers> heads = new HashMap<>();
        private final Map<Integer, Action> actions = new HashMap<>();

        private Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, int connection,
                        RawH2Server server) {
            super(decoder, encoder, new Http2Settings());
            this.connection = connection;
            this.server = server;
        }

        static Handler create(int connection, RawH2Server server) {
            Http2Connection conn = new DefaultHttp2Connection(true);
            Http2ConnectionEncoder encoder = new DefaultHttp2ConnectionEncoder(conn, new DefaultHttp2FrameWriter());
            Http2ConnectionDecoder decoder = new DefaultHttp2ConnectionDecoder(conn, encoder,
                    new DefaultHttp2FrameReader());
            Handler h = new Handler(decoder, encoder, connection, server);
            decoder.frameListener(h.new Listener());
            return h;
        }

        private final class Listener extends Http2FrameAdapter {
            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                      boolean endStream) {
                if (heads.containsKey(streamId)) { // request trailers
                    if (endStream) {
                        end(ctx, streamId);
                    }
                    return;
                }
                Action action = server.next();
                heads.put(streamId, headers);
                bodies.put(streamId, new ByteArrayOutputStream());
                actions.put(streamId, action);
                if (action == Action.REFUSE) {
                    record(streamId);
                    resetStream(ctx, streamId, Http2Error.REFUSED_STREAM.code(), ctx.newPromise());
                    ctx.flush();
                } else if (action == Action.GOAWAY) {
                    record(streamId);
                    goAway(ctx, Math.max(0, streamId - 2), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
                            ctx.newPromise());
                    ctx.flush();
                } else if (action == Action.FLOOD_SETTINGS) {
                    for (int i = 0; i < FLOOD; i++) {
                        encoder().writeSettings(ctx, new Http2Settings(), ctx.newPromise());
                    }
                    ctx.flush();
                    if (endStream) {
                        end(ctx, streamId);
                    }
                } else if (endStream) {
                    end(ctx, streamId);
                }
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int dependency,
                                      short weight, boolean exclusive, int padding, boolean endStream) {
                onHeadersRead(ctx, streamId, headers, padding, endStream);
            }

            @Override
            public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                  boolean endOfStream) {
                ByteArrayOutputStream body = bodies.get(streamId);
                if (body != null) {
                    body.writeBytes(ByteBufUtil.getBytes(data)); // copied: the decoder releases data
                }
                if (endOfStream) {
                    end(ctx, streamId);
                }
                return data.readableBytes() + padding;
            }
        }

        private void end(ChannelHandlerContext ctx, int streamId) {
            Action action = actions.get(streamId);
            if (action == null || action == Action.REFUSE || action == Action.GOAWAY) {
                return;
            }
            byte[] body = record(streamId);
            switch (action) {
                case ECHO, FLOOD_SETTINGS -> {
                    Http2Headers head = new DefaultHttp2Headers().status("200")
                            .set("content-type", "application/grpc");
                    encoder().writeHeaders(ctx, streamId, head, 0, false, ctx.newPromise());
                    encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(body), 0, false, ctx.newPromise());
                    encoder().writeHeaders(ctx, streamId, new DefaultHttp2Headers().set("grpc-status", "0"), 0, true,
                            ctx.newPromise());
                    ctx.flush();
                }
                case RESET_INTERNAL_ERROR -> {
                    resetStream(ctx, streamId, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
                    ctx.flush();
                }
                case RESET_CANCEL -> {
                    resetStream(ctx, streamId, Http2Error.CANCEL.code(), ctx.newPromise());
                    ctx.flush();
                }
                case CLOSE -> ctx.close();
                default -> throw new IllegalStateException(action.toString());
            }
        }

        private byte[] record(int streamId) {
            ByteArrayOutputStream body = bodies.remove(streamId);
            byte[] bytes = body == null ? new byte[0] : body.toByteArray();
            server.streams.add(new Stream(connection, streamId, heads.get(streamId), bytes, actions.get(streamId)));
            return bytes;
        }
    }
}
