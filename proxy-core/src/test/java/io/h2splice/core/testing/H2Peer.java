package io.h2splice.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The far end of an HTTP/2 connection under test (the client of a listener, or the app behind an upstream
 * connection), speaking real frame bytes to an {@link EmbeddedChannel} (as Netty's {@code Http2FrameInboundWriter}
 * and grpc-java's {@code NettyHandlerTestBase} do). It encodes frames with its own HPACK state and decodes what the
 * channel wrote, keeping the other direction's HPACK state. Used by the engine's tests and by the JMH benchmarks
 * (perf), which replay the frames it builds with {@link #feed} so that the timed code allocates nothing for its input.
 *
 * <p>Frames built here are unpooled heap buffers owned by the caller.
 */
public final class H2Peer implements AutoCloseable {

    /** One frame read from the channel under test. Payloads are copied (test side only). */
    public record Frame(String type, int streamId, Http2Headers headers, byte[] data, boolean endStream, long code) {
    }

    private final EmbeddedChannel scratch = new EmbeddedChannel(new ChannelHandlerAdapter() { });
    private final ChannelHandlerContext ctx = scratch.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
    private final boolean expectClientPreface;
    private boolean prefaceSkipped;
    private ByteBuf pendingIn = Unpooled.EMPTY_BUFFER;

    /** @param expectClientPreface true when the channel under test is an HTTP/2 client (its output starts with PRI) */
    public H2Peer(boolean expectClientPreface) {
        this.expectClientPreface = expectClientPreface;
    }

    /**
     * Reads header blocks up to {@code bytes} (Netty's reader stops at 10 KiB by default; HTTP/2 sets no limit
     * unless one is advertised, and a proxy forwards what its own, larger limit lets in).
     */
    public H2Peer maxHeaderListSize(long bytes) throws Http2Exception {
        reader.headersConfiguration().maxHeaderListSize(bytes, bytes);
        return this;
    }

    // === encoding: frames for the channel under test ===

    public ByteBuf clientPreface() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        b.writeBytes(settings(new Http2Settings()));
        return b;
    }

    public ByteBuf clientPreface(Http2Settings s) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        ByteBuf settings = settings(s);
        b.writeBytes(settings);
        settings.release();
        return b;
    }

    public ByteBuf settings(Http2Settings s) {
        writer.writeSettings(ctx, s, ctx.newPromise());
        return drainScratch();
    }

    public ByteBuf settingsAck() {
        writer.writeSettingsAck(ctx, ctx.newPromise());
        return drainScratch();
    }

    public ByteBuf headers(int streamId, Http2Headers h, boolean endStream) {
        writer.writeHeaders(ctx, streamId, h, 0, endStream, ctx.newPromise());
        return drainScratch();
    }

    public ByteBuf windowUpdate(int streamId, int increment) {
        writer.writeWindowUpdate(ctx, streamId, increment, ctx.newPromise());
        return drainScratch();
    }

    public ByteBuf rst(int streamId, long code) {
        writer.writeRstStream(ctx, streamId, code, ctx.newPromise());
        return drainScratch();
    }

    public ByteBuf goAway(int lastStreamId, long code) {
        writer.writeGoAway(ctx, lastStreamId, code, Unpooled.EMPTY_BUFFER, ctx.newPromise());
        return drainScratch();
    }

    /** A DATA frame laid out by hand in one heap buffer, so a test can check that payload memory is not copied. */
    public static ByteBuf data(int streamId, byte[] payload, boolean endStream) {
        ByteBuf b = Unpooled.buffer(9 + payload.length);
        b.writeMedium(payload.length);
        b.writeByte(0x0); // DATA
        b.writeByte(endStream ? 0x1 : 0x0);
        b.writeInt(streamId);
        b.writeBytes(payload);
        return b;
    }

    /** A DATA frame laid out by hand in one heap buffer: a gRPC message (5-byte prefix) of {@code payload} bytes. */
    public static ByteBuf grpcData(int streamId, int payload, boolean endStream) {
        if (payload < 5) {
            throw new IllegalArgumentException("a gRPC message needs at least its 5-byte prefix");
        }
        ByteBuf b = Unpooled.buffer(9 + payload, 9 + payload);
        b.writeMedium(payload);
        b.writeByte(0x0); // DATA
        b.writeByte(endStream ? 0x1 : 0x0);
        b.writeInt(streamId);
        b.writeByte(0); // not compressed
        b.writeInt(payload - 5);
        for (int i = 5; i < payload; i++) {
            b.writeByte('a' + i % 26);
        }
        return b;
    }

    /** Concatenates frames (each released) into one buffer, to be fed as one socket read. */
    public static ByteBuf concat(ByteBuf... frames) {
        ByteBuf b = Unpooled.buffer();
        for (ByteBuf f : frames) {
            b.writeBytes(f, f.readerIndex(), f.readableBytes());
            f.release();
        }
        return b;
    }

    /**
     * Hands {@code frames} (whole frames of one stream) to {@code ch} as one socket read would, without allocating:
     * every frame's stream id is set to {@code streamId}; the caller keeps its reference, the decoder gets and
     * releases a new one.
     */
    public static void feed(EmbeddedChannel ch, ByteBuf frames, int streamId) {
        frames.readerIndex(0);
        for (int at = 0; at < frames.writerIndex(); at += 9 + frames.getUnsignedMedium(at)) {
            frames.setInt(at + 5, streamId);
        }
        feed(ch, frames);
    }

    /** Hands {@code frame} to {@code ch} unchanged, as one socket read (the caller keeps its reference). */
    public static void feed(EmbeddedChannel ch, ByteBuf frame) {
        frame.readerIndex(0);
        frame.retain();
        ch.pipeline().fireChannelRead(frame);
        ch.pipeline().fireChannelReadComplete();
    }

    /** Releases everything {@code ch} wrote. @return the bytes released */
    public static long drain(EmbeddedChannel ch) {
        long n = 0;
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) m;
            n += b.readableBytes();
            b.release();
        }
        return n;
    }

    private ByteBuf drainScratch() {
        scratch.flush();
        scratch.runPendingTasks();
        ByteBuf out = Unpooled.buffer();
        ByteBuf m;
        while ((m = scratch.readOutbound()) != null) {
            out.writeBytes(m);
            m.release();
        }
        return out;
    }

    // === decoding: what the channel under test wrote ===

    /** Reads and releases everything {@code ch} wrote, returning the frames (preface and SETTINGS ACK included). */
    public List<Frame> read(EmbeddedChannel ch) throws Http2Exception {
        ch.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(pendingIn);
        pendingIn.release();
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) m;
            all.writeBytes(b);
            b.release();
        }
        if (expectClientPreface && !prefaceSkipped && all.readableBytes() >= 24) {
            all.skipBytes(24);
            prefaceSkipped = true;
        }
        List<Frame> frames = new ArrayList<>();
        Http2FrameAdapter recorder = new Http2FrameAdapter() {
            @Override
            public int onDataRead(ChannelHandlerContext c, int id, ByteBuf data, int padding, boolean eos) {
                frames.add(new Frame("DATA", id, null, ByteBufUtil.getBytes(data), eos, 0));
                return data.readableBytes() + padding;
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int id, Http2Headers h, int padding, boolean eos) {
                frames.add(new Frame("HEADERS", id, h, null, eos, 0));
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int id, Http2Headers h, int dep, short w, boolean ex,
                                      int padding, boolean eos) {
                onHeadersRead(c, id, h, padding, eos);
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext c, int id, long code) {
                frames.add(new Frame("RST_STREAM", id, null, null, false, code));
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext c, int last, long code, ByteBuf debug) {
                frames.add(new Frame("GOAWAY", last, null, null, false, code));
            }

            @Override
            public void onSettingsRead(ChannelHandlerContext c, Http2Settings s) {
                frames.add(new Frame("SETTINGS", 0, null, null, false, 0));
            }

            @Override
            public void onWindowUpdateRead(ChannelHandlerContext c, int id, int inc) {
                frames.add(new Frame("WINDOW_UPDATE", id, null, null, false, inc));
            }
        };
        while (all.readableBytes() >= 9 && all.readableBytes() >= 9 + all.getUnsignedMedium(all.readerIndex())) {
            reader.readFrame(ctx, all, recorder);
        }
        pendingIn = all.readableBytes() > 0 ? all : Unpooled.EMPTY_BUFFER;
        if (pendingIn == Unpooled.EMPTY_BUFFER) {
            all.release();
        }
        return frames;
    }

    public static List<Frame> ofType(List<Frame> frames, String type) {
        List<Frame> out = new ArrayList<>();
        for (Frame f : frames) {
            if (f.type().equals(type)) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public void close() {
        pendingIn.release();
        reader.close();
        writer.close();
        scratch.finishAndReleaseAll();
    }
}
