package io.h2splice.core.splice;

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
 * Test helper: one side of an HTTP/2 connection speaking real frame bytes to an {@link EmbeddedChannel} under test
 * (as Netty's {@code Http2FrameInboundWriter} and grpc-java's {@code NettyHandlerTestBase} do). It encodes frames
 * with its own HPACK state and decodes what the channel wrote, keeping the other direction's HPACK state.
 */
final class H2Wire implements AutoCloseable {

    /** One frame read from the channel under test. Payloads are copied (test side only). */
    record Frame(String type, int streamId, Http2Headers headers, byte[] data, boolean endStream, long errorCode) {
    }

    private final EmbeddedChannel scratch = new EmbeddedChannel(new ChannelHandlerAdapter() { });
    private final ChannelHandlerContext ctx = scratch.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
    private final boolean expectClientPreface;
    private boolean prefaceSkipped;
    private ByteBuf pendingIn = Unpooled.EMPTY_BUFFER;

    /** @param expectClientPreface true when the channel under test is an HTTP/2 client (its output starts with PRI) */
    H2Wire(boolean expectClientPreface) {
        this.expectClientPreface = expectClientPreface;
    }

    // === encoding: frames for the channel under test ===

    ByteBuf clientPreface() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        b.writeBytes(settings(new Http2Settings()));
        return b;
    }

    ByteBuf settings(Http2Settings s) {
        writer.writeSettings(ctx, s, ctx.newPromise());
        return drainScratch();
    }

    ByteBuf settingsAck() {
        writer.writeSettingsAck(ctx, ctx.newPromise());
        return drainScratch();
    }

    ByteBuf headers(int streamId, Http2Headers h, boolean endStream) {
        writer.writeHeaders(ctx, streamId, h, 0, endStream, ctx.newPromise());
        return drainScratch();
    }

    ByteBuf rst(int streamId, long code) {
        writer.writeRstStream(ctx, streamId, code, ctx.newPromise());
        return drainScratch();
    }

    ByteBuf goAway(int lastStreamId, long code) {
        writer.writeGoAway(ctx, lastStreamId, code, Unpooled.EMPTY_BUFFER, ctx.newPromise());
        return drainScratch();
    }

    /** A DATA frame laid out by hand in one heap buffer, so a test can check that payload memory is not copied. */
    static ByteBuf data(int streamId, byte[] payload, boolean endStream) {
        ByteBuf b = Unpooled.buffer(9 + payload.length);
        b.writeMedium(payload.length);
        b.writeByte(0x0); // DATA
        b.writeByte(endStream ? 0x1 : 0x0);
        b.writeInt(streamId);
        b.writeBytes(payload);
        return b;
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
    List<Frame> read(EmbeddedChannel ch) throws Http2Exception {
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

    static List<Frame> ofType(List<Frame> frames, String type) {
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
