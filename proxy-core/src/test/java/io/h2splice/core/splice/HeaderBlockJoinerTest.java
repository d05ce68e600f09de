package io.h2splice.core.splice;

import io.h2splice.core.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HeaderBlockJoiner} in front of Netty's frame reader, fed the way the codec feeds it: a cumulation that grows
 * by what each read brought and is called again after every read. Every buffer the joiner allocates is tracked and
 * must be released.
 */
class HeaderBlockJoinerTest {

    private static final int HEADERS = 0x1;
    private static final int PING = 0x6;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx;
    private final ByteBuf cumulation = Unpooled.buffer();
    private final List<String> events = new ArrayList<>();
    private final List<Http2Headers> headers = new ArrayList<>();
    private HeaderBlockJoiner joiner = new HeaderBlockJoiner(new DefaultHttp2HeadersDecoder(true, 4L << 20));

    HeaderBlockJoinerTest() {
        channel.config().setAllocator(alloc);
        ctx = channel.pipeline().firstContext();
    }

    @AfterEach
    void released() {
        joiner.close();
        cumulation.release();
        channel.finishAndReleaseAll();
        assertEquals(List.of(), alloc.unreleased(), "buffers the joiner allocated and did not release");
    }

    private final Http2FrameAdapter listener = new Http2FrameAdapter() {
        @Override
        public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers h, int dependency, short weight,
                                  boolean exclusive, int padding, boolean endStream) {
            events.add("HEADERS " + stream + " dependency " + dependency + " weight " + weight + " end " + endStream);
            headers.add(h);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers h, int padding,
                                  boolean endStream) {
            events.add("HEADERS " + stream + " end " + endStream);
            headers.add(h);
        }

        @Override
        public void onPingRead(ChannelHandlerContext c, long data) {
            events.add("PING " + data);
        }
    };

    /** Appends {@code bytes} in pieces of {@code piece}, reading after each as the codec does after each read. */
    private void arrive(ByteBuf bytes, int piece) throws Http2Exception {
        try {
            while (bytes.isReadable()) {
                cumulation.writeBytes(bytes, Math.min(piece, bytes.readableBytes()));
                joiner.readFrame(ctx, cumulation, listener);
                cumulation.discardReadBytes();
            }
        } finally {
            bytes.release();
        }
    }

    private static Http2Headers request(int bigValue) {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("x").path("/pkg.Svc/Method")
                .set("dapr-app-id", "server").set("x-big", "v".repeat(bigValue));
    }

    private static ByteBuf block(Http2Headers h) throws Http2Exception {
        ByteBuf b = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder().encodeHeaders(1, h, b);
        return b;
    }

    private static void frameHeader(ByteBuf out, int length, int type, int flags, int stream) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
    }

    private static ByteBuf ping(long data) {
        ByteBuf f = Unpooled.buffer();
        frameHeader(f, 8, PING, 0, 0);
        return f.writeLong(data);
    }

    /** {@code block} (released) as HEADERS and CONTINUATION frames of at most {@code fragment} bytes of block. */
    private static ByteBuf frames(ByteBuf block, int stream, int fragment, int headersFlags, int padding) {
        ByteBuf out = Unpooled.buffer();
        boolean first = true;
        boolean padded = (headersFlags & PADDED) != 0;
        boolean priority = (headersFlags & PRIORITY) != 0;
        int overhead = (padded ? 1 + padding : 0) + (priority ? 5 : 0);
        while (block.isReadable() || first) {
            int n = Math.min(first ? fragment - overhead : fragment, block.readableBytes());
            int end = block.readableBytes() == n ? END_HEADERS : 0;
            if (first) {
                frameHeader(out, n + overhead, HEADERS, headersFlags | end, stream);
                if (padded) {
                    out.writeByte(padding);
                }
                if (priority) {
                    out.writeInt(7).writeByte(41); // depends on stream 7, weight 42
                }
                out.writeBytes(block, n);
                out.writeZero(padded ? padding : 0);
                first = false;
            } else {
                frameHeader(out, n, CONTINUATION, end, stream);
                out.writeBytes(block, n);
            }
        }
        block.release();
        return out;
    }

    @Test
    void aBlockArrivingInPiecesIsReadOnceWholeWithItsPriorityAndEndOfStream() throws Exception {
        Http2Headers sent = request(40_000);
        ByteBuf wire = Unpooled.buffer();
        wire.writeBytes(wireAndRelease(ping(1)));
        wire.writeBytes(wireAndRelease(frames(block(sent), 3, 16_384, PADDED | PRIORITY | END_STREAM, 10)));
        wire.writeBytes(wireAndRelease(ping(2)));
        arrive(wire, 7);
        assertEquals(List.of("PING 1", "HEADERS 3 dependency 7 weight 42 end true", "PING 2"), events);
        assertEquals(sent, headers.get(0));
        assertEquals(1, alloc.allocations(), "one buffer: the joined block");
    }

    @Test
    void aBlockOfOneFrameIsNotCopied() throws Exception {
        arrive(frames(block(request(100)), 1, 16_384, 0, 0), 1_000);
        assertEquals(List.of("HEADERS 1 end false"), events);
        assertEquals(0, alloc.allocations());
    }

    @Test
    void assemblingFourMebibytesCostsOneCopyNotOnePerFrame() throws Exception {
        Http2Headers sent = request(4_000_000);
        arrive(frames(block(sent), 1, 16_384, END_STREAM, 0), 16_393);
        assertEquals(List.of("HEADERS 1 end true"), events);
        assertEquals(sent, headers.get(0));
        // Netty's own assembly asks for the block so far once more at each of its 200-odd frames: hundreds of MB.
        assertTrue(alloc.bytesAsked() < 4_100_000, "bytes allocated: " + alloc.bytesAsked());
    }

    @Test
    void framesBeforeAnUnfinishedBlockAreReadAtOnce() throws Exception {
        ByteBuf wire = Unpooled.buffer();
        wire.writeBytes(wireAndRelease(ping(5)));
        ByteBuf blockFrames = frames(block(request(40_000)), 1, 16_384, 0, 0);
        wire.writeBytes(blockFrames, blockFrames.readableBytes() - 100); // the last frame not all there
        blockFrames.release();
        arrive(wire, 100_000);
        assertEquals(List.of("PING 5"), events);
    }

    @Test
    void aBlockBrokenByAnotherFrameIsTheProtocolErrorNettyReports() throws Exception {
        ByteBuf wire = Unpooled.buffer();
        ByteBuf blockFrames = frames(block(request(20_000)), 1, 16_384, 0, 0);
        int first = 9 + blockFrames.getUnsignedMedium(0);
        wire.writeBytes(blockFrames, first); // HEADERS without END_HEADERS
        blockFrames.release();
        wire.writeBytes(wireAndRelease(ping(9))); // instead of its CONTINUATION
        Http2Exception e = assertThrows(Http2Exception.class, () -> arrive(wire, 100_000));
        assertEquals(Http2Error.PROTOCOL_ERROR, e.error());
        assertEquals(List.of(), events);
    }

    @Test
    void aFrameOverTheAdvertisedSizeIsAnErrorAsItsHeaderArrives() throws Exception {
        ByteBuf tooLarge = Unpooled.buffer();
        frameHeader(tooLarge, 16_385, 0x0, 0, 1); // a DATA frame header, its payload never sent
        Http2Exception e = assertThrows(Http2Exception.class, () -> arrive(tooLarge, 100));
        assertEquals(Http2Error.FRAME_SIZE_ERROR, e.error());
        assertEquals(Http2Exception.ShutdownHint.HARD_SHUTDOWN, e.shutdownHint());
        // and everything after it is skipped
        arrive(ping(3), 100);
        assertEquals(List.of(), events);
    }

    @Test
    void theAdvertisedSizeIsTheOneTheCodecSets() throws Exception {
        joiner.maxFrameSize(1 << 20);
        arrive(frames(block(request(200_000)), 1, 1 << 20, 0, 0), 65_536);
        assertEquals(List.of("HEADERS 1 end false"), events);
        assertEquals(1 << 20, joiner.configuration().frameSizePolicy().maxFrameSize());
        Http2Exception e = assertThrows(Http2Exception.class, () -> joiner.maxFrameSize(100));
        assertEquals(Http2Error.FRAME_SIZE_ERROR, e.error());
    }

    @Test
    void aBlockOverTheHeaderListLimitIsAnErrorBeforeItEnds() throws Exception {
        joiner.close();
        joiner = new HeaderBlockJoiner(new DefaultHttp2HeadersDecoder(true, 8_192)); // Netty closes above 10,240
        ByteBuf wire = Unpooled.buffer();
        frameHeader(wire, 8_000, HEADERS, 0, 1);
        wire.writeZero(8_000);
        frameHeader(wire, 4_000, CONTINUATION, 0, 1); // its payload never arrives
        Http2Exception e = assertThrows(Http2Exception.class, () -> arrive(wire, 100_000));
        assertEquals(Http2Error.PROTOCOL_ERROR, e.error());
        assertTrue(e.getMessage().contains("Header size exceeded"), e.getMessage());
    }

    private static byte[] wireAndRelease(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }
}
