package io.h2splice.core.splice;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameReader;
import io.netty.handler.codec.http2.Http2FrameSizePolicy;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2HeadersDecoder;

import static io.netty.handler.codec.http2.Http2CodecUtil.FRAME_HEADER_LENGTH;
import static io.netty.handler.codec.http2.Http2CodecUtil.MAX_FRAME_SIZE_UPPER_BOUND;

/**
 * Netty's frame reader, handed each header block whole: a HEADERS frame without END_HEADERS and the CONTINUATION
 * frames that finish it reach the reader as one HEADERS frame, once the last of them has arrived. Netty assembles a
 * block by copying all of it received so far into a new exact-size buffer at every CONTINUATION
 * ({@code DefaultHttp2FrameReader.HeadersBlockBuilder}): n bytes in 16 KiB frames cost n²/32 KiB bytes of memcpy,
 * 735 MB for a 4.9 MB block, on the event loop every other call of the loop shares. Here the frames wait in the
 * codec's input buffer (which grows by doubling) and are copied once.
 *
 * <ul>
 *   <li><b>Frame sizes.</b> Netty's reader takes frames up to the largest size there is, so that it accepts a joined
 *       block; the size we advertise (the frame-size policy the codec sets when the peer acknowledges our SETTINGS)
 *       is enforced here on every frame, as its header arrives: FRAME_SIZE_ERROR, a connection error, as Netty.</li>
 *   <li><b>Header-list size.</b> A block whose frames add up to more than the header list may be (with Netty's
 *       slack) is a connection error as soon as its frame headers say so, not when it ends, as Netty.</li>
 *   <li><b>Broken blocks.</b> A block interrupted by another frame, or whose padding does not fit, is not joined:
 *       Netty's reader sees the frames as they were sent and answers them as it always has.</li>
 *   <li><b>Complete frames only.</b> The reader is given whole frames (the input's writer index is lowered for the
 *       call), so its state is always at a frame boundary and the scan here can start over at the input's reader
 *       index on every call. Netty too waits for a whole payload before it passes a frame on.</li>
 * </ul>
 *
 * <p>Ownership: {@code input} is the codec's cumulation, read (never released) here and by the reader, which takes
 * retained slices of DATA from it as before. A joined block is a buffer allocated here and released once the reader
 * returns (the reader decodes the block before it returns). Threading: the connection's event loop. Allocation: none
 * for any frame outside a block of several frames; one buffer per such block.
 */
final class HeaderBlockJoiner implements Http2FrameReader, Http2FrameReader.Configuration, Http2FrameSizePolicy {

    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    /** {@link #blockEnd}: the block's last frame has not arrived yet. */
    private static final int INCOMPLETE = -1;
    /** {@link #blockEnd}: another frame breaks the block (a protocol error Netty's reader reports). */
    private static final int BROKEN = -2;

    private final DefaultHttp2FrameReader reader;
    /** SETTINGS_MAX_FRAME_SIZE as advertised and acknowledged: the protocol's default until then. */
    private int maxFrameSize = Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE;
    /** After a connection error of ours: the rest of the input is skipped, as Netty's reader does after its own. */
    private boolean failed;

    HeaderBlockJoiner(Http2HeadersDecoder headersDecoder) {
        reader = new DefaultHttp2FrameReader(headersDecoder);
        try {
            reader.maxFrameSize(MAX_FRAME_SIZE_UPPER_BOUND);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e); // the upper bound is valid by definition
        }
    }

    @Override
    public void readFrame(ChannelHandlerContext ctx, ByteBuf input, Http2FrameListener listener)
            throws Http2Exception {
        if (failed) {
            input.skipBytes(input.readableBytes());
            return;
        }
        int end = input.writerIndex();
        int at = input.readerIndex();
        while (end - at >= FRAME_HEADER_LENGTH) {
            int length = checkedLength(ctx, input, at, at, listener);
            if (input.getByte(at + 3) == Http2FrameTypes.HEADERS && (input.getByte(at + 4) & END_HEADERS) == 0) {
                int blockEnd = blockEnd(ctx, input, at, end, listener);
                if (blockEnd == INCOMPLETE) {
                    break;
                }
                ByteBuf joined = blockEnd == BROKEN ? null : join(ctx, input, at, blockEnd);
                if (joined != null) {
                    deliver(ctx, input, at, listener);
                    input.readerIndex(blockEnd);
                    try {
                        reader.readFrame(ctx, joined, listener);
                    } finally {
                        joined.release();
                    }
                    at = blockEnd;
                    continue;
                }
            }
            if (end - at - FRAME_HEADER_LENGTH < length) {
                break; // the rest of this frame has not arrived
            }
            at += FRAME_HEADER_LENGTH + length;
        }
        deliver(ctx, input, at, listener);
    }

    /**
     * The length of the frame at {@code at}; one over the advertised size is a connection error, after the frames
     * before {@code deliverable} were passed on (Netty too reads the frames before the one it rejects).
     */
    private int checkedLength(ChannelHandlerContext ctx, ByteBuf input, int at, int deliverable,
                              Http2FrameListener listener) throws Http2Exception {
        int length = input.getUnsignedMedium(at);
        if (length > maxFrameSize) {
            fail(ctx, input, deliverable, listener);
            throw Http2Exception.connectionError(Http2Error.FRAME_SIZE_ERROR, "Frame length: %d exceeds maximum: %d",
                    length, maxFrameSize);
        }
        return length;
    }

    /**
     * Where the block that starts with the HEADERS frame at {@code at} ends (just after the CONTINUATION frame with
     * END_HEADERS), or {@link #INCOMPLETE} or {@link #BROKEN}.
     */
    private int blockEnd(ChannelHandlerContext ctx, ByteBuf input, int at, int end, Http2FrameListener listener)
            throws Http2Exception {
        int stream = input.getInt(at + 5) & Integer.MAX_VALUE;
        long limit = reader.headersConfiguration().maxHeaderListSizeGoAway();
        long blockBytes = input.getUnsignedMedium(at);
        int next = at + FRAME_HEADER_LENGTH + (int) blockBytes;
        while (blockBytes <= limit) {
            if (end - next < FRAME_HEADER_LENGTH) {
                return INCOMPLETE;
            }
            int length = checkedLength(ctx, input, next, at, listener);
            int flags = input.getByte(next + 4);
            if (input.getByte(next + 3) != Http2FrameTypes.CONTINUATION
                    || (input.getInt(next + 5) & Integer.MAX_VALUE) != stream) {
                return BROKEN;
            }
            blockBytes += length;
            if (blockBytes > limit) {
                break; // judged now, not once the frame has arrived
            }
            if (end - next - FRAME_HEADER_LENGTH < length) {
                return INCOMPLETE;
            }
            next += FRAME_HEADER_LENGTH + length;
            if ((flags & END_HEADERS) != 0) {
                return next;
            }
        }
        fail(ctx, input, at, listener);
        Http2CodecUtil.headerListSizeExceeded(limit); // throws: a connection error, as Netty's reader
        throw new IllegalStateException("unreachable");
    }

    /** Passes the frames before {@code deliverable} on, then skips everything else, now and later. */
    private void fail(ChannelHandlerContext ctx, ByteBuf input, int deliverable, Http2FrameListener listener)
            throws Http2Exception {
        deliver(ctx, input, deliverable, listener);
        failed = true;
        input.skipBytes(input.readableBytes());
    }

    /**
     * The block between {@code at} and {@code blockEnd} as one HEADERS frame with END_HEADERS (END_STREAM and the
     * priority fields kept, padding dropped), or null when its padding does not fit (left to Netty's reader).
     */
    private static ByteBuf join(ChannelHandlerContext ctx, ByteBuf input, int at, int blockEnd) {
        int length = input.getUnsignedMedium(at);
        int flags = input.getUnsignedByte(at + 4);
        int from = at + FRAME_HEADER_LENGTH;
        int to = from + length;
        if ((flags & PADDED) != 0) {
            if (length < 1) {
                return null;
            }
            to -= input.getUnsignedByte(from);
            from++;
        }
        if (to - from < ((flags & PRIORITY) != 0 ? 5 : 0)) {
            return null;
        }
        int continuations = at + FRAME_HEADER_LENGTH + length;
        long joinedLength = to - from;
        for (int c = continuations; c < blockEnd; c += FRAME_HEADER_LENGTH + input.getUnsignedMedium(c)) {
            joinedLength += input.getUnsignedMedium(c);
        }
        if (joinedLength > MAX_FRAME_SIZE_UPPER_BOUND) {
            return null;
        }
        ByteBuf joined = ctx.alloc().buffer(FRAME_HEADER_LENGTH + (int) joinedLength);
        joined.writeMedium((int) joinedLength).writeByte(Http2FrameTypes.HEADERS)
                .writeByte((flags & ~PADDED) | END_HEADERS).writeInt(input.getInt(at + 5))
                .writeBytes(input, from, to - from);
        for (int c = continuations; c < blockEnd; ) {
            int n = input.getUnsignedMedium(c);
            joined.writeBytes(input, c + FRAME_HEADER_LENGTH, n);
            c += FRAME_HEADER_LENGTH + n;
        }
        return joined;
    }

    /** Passes the whole frames before {@code upTo} to Netty's reader. */
    private void deliver(ChannelHandlerContext ctx, ByteBuf input, int upTo, Http2FrameListener listener)
            throws Http2Exception {
        if (upTo == input.readerIndex()) {
            return;
        }
        int writer = input.writerIndex();
        input.writerIndex(upTo);
        try {
            reader.readFrame(ctx, input, listener);
        } finally {
            input.writerIndex(writer);
        }
    }

    @Override
    public Configuration configuration() {
        return this;
    }

    @Override
    public Http2HeadersDecoder.Configuration headersConfiguration() {
        return reader.headersConfiguration();
    }

    @Override
    public Http2FrameSizePolicy frameSizePolicy() {
        return this;
    }

    @Override
    public void maxFrameSize(int max) throws Http2Exception {
        if (!Http2CodecUtil.isMaxFrameSizeValid(max)) {
            throw Http2Exception.connectionError(Http2Error.FRAME_SIZE_ERROR,
                    "Invalid MAX_FRAME_SIZE specified in sent settings: %d", max);
        }
        maxFrameSize = max;
    }

    @Override
    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    public void close() {
        reader.close();
    }
}
