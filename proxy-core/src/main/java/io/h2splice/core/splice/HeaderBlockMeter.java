package io.h2splice.core.splice;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;

import java.util.Map;

/**
 * What the header blocks of one accepted connection cost, read off the bytes on their way to the HTTP/2 codec (just
 * before it in the pipeline, after TLS). It walks the frame headers only (nine bytes per frame; payloads are
 * skipped, never read or copied) and keeps two numbers:
 * <ul>
 *   <li>the bytes of a header block still being assembled (HEADERS without END_HEADERS, then CONTINUATION frames),
 *       which wait in the codec's input buffer until the block ends ({@link HeaderBlockJoiner}): charged to the
 *       connection's {@link MemoryAccount} until the block ends or the connection closes. A peer that keeps a block open just under the header-list limit on many
 *       connections holds that much memory each;</li>
 *   <li>a balance between the header bytes the peer sent and what its header lists decode to
 *       ({@link #decodedTooMuch}): the HPACK bomb, a few bytes that index a large table entry many times over.</li>
 * </ul>
 *
 * <p>Ownership: each {@link ByteBuf} read is passed on unchanged (the codec releases it). Threading: the connection's
 * event loop only. No allocation per frame.
 */
final class HeaderBlockMeter extends ChannelInboundHandlerAdapter {

    /**
     * Decoded bytes a header list may have beyond the bytes sent for it: every field of HPACK's static table and of a
     * full dynamic table (4 KiB, what we advertise) indexed once fits with room to spare.
     */
    static final int LIST_ALLOWANCE = 16 * 1024;
    /** And per field: its 32 bytes of HPACK overhead plus a short indexed name and value. */
    static final int FIELD_ALLOWANCE = 64;
    /** How far into debit the balance may go before the connection is judged a decompression bomb. */
    static final long BOMB_DEBIT = 1L << 20;
    /**
     * Decoded bytes one header-block byte may stand for without indexing: Huffman's shortest codes are 5 bits, so a
     * literal decodes to at most 8/5 of its size. The refill uses this ratio, so no literal list is ever judged.
     */
    private static final int HUFFMAN_NUM = 8;
    private static final int HUFFMAN_DEN = 5;

    private final MemoryAccount account;
    /** Bytes still to pass before the next frame header: the client preface first, then each frame's payload. */
    private int skip = Http2CodecUtil.connectionPrefaceBuf().readableBytes();
    /** The first five bytes of a frame header read so far (length, type, flags), and how many of the nine were seen. */
    private long head;
    private int headBytes;
    private boolean inBlock;
    private long blockBytes;
    /** Header-block bytes received (× 8/5) minus the decoded surplus of header lists; see decodedTooMuch. */
    private long balance;
    /**
     * The balance's ceiling: two of the largest header lists' worth, so that blocks read ahead of their decoding are
     * never clipped, while an honest history banks at most that much for a later bomb.
     */
    private final long ceiling;

    /** @param maxHeaderListSize the SETTINGS_MAX_HEADER_LIST_SIZE we advertise */
    HeaderBlockMeter(MemoryAccount account, long maxHeaderListSize) {
        this.account = account;
        this.ceiling = 2 * maxHeaderListSize * HUFFMAN_NUM / HUFFMAN_DEN + BOMB_DEBIT;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            scan(buf);
        }
        ctx.fireChannelRead(msg); // msg: passed on unchanged, owned by the next handler
    }

    private void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (skip > 0) {
                int n = Math.min(skip, end - i);
                i += n;
                skip -= n;
                continue;
            }
            int b = buf.getUnsignedByte(i++);
            if (headBytes < 5) {
                head = (head << 8) | b;
            }
            if (++headBytes == Http2CodecUtil.FRAME_HEADER_LENGTH) {
                frame((int) (head >>> 16), (byte) (head >>> 8), (short) (head & 0xff));
                head = 0;
                headBytes = 0;
            }
        }
    }

    private void frame(int length, byte type, short flags) {
        skip = length;
        if (type != Http2FrameTypes.HEADERS && type != Http2FrameTypes.CONTINUATION) {
            return;
        }
        balance = Math.min(balance + (long) length * HUFFMAN_NUM / HUFFMAN_DEN, ceiling);
        if ((flags & 0x4) != 0) { // END_HEADERS: the codec decodes the block and frees it now
            endBlock();
        } else {
            inBlock = true;
            blockBytes += length;
            account.charge(length);
        }
    }

    private void endBlock() {
        if (inBlock) {
            account.charge(-blockBytes);
            blockBytes = 0;
            inBlock = false;
        }
    }

    /** Bytes of the header block being assembled now. */
    long openBlockBytes() {
        return blockBytes;
    }

    /**
     * A request's header list decoded to {@code decodedBytes} (RFC 7541's size: name + value + 32 per field) over
     * {@code fields} fields. Its surplus over the allowances is debited from the balance, which the header bytes
     * received refill at the most a literal can decode to (capped at {@link #ceiling}, so a long honest history buys
     * no bomb later). An honest list, literal or indexed once, stays within what it refilled plus its allowances.
     *
     * @return true when the connection is a decompression bomb: its lists decode to far more than the peer sent
     */
    boolean decodedTooMuch(long decodedBytes, int fields) {
        long surplus = decodedBytes - LIST_ALLOWANCE - (long) FIELD_ALLOWANCE * fields;
        if (surplus > 0) {
            balance -= surplus;
        }
        return balance < -BOMB_DEBIT;
    }

    /** RFC 7541's size of a header list (§4.1): name and value bytes plus 32 per field, as the codec counts it. */
    static long decodedSize(Http2Headers headers) {
        long size = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            size += field.getKey().length() + field.getValue().length() + 32;
        }
        return size;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endBlock();
        ctx.fireChannelInactive();
    }
}
