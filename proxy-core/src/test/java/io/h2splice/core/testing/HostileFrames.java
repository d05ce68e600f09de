package io.h2splice.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames laid out by hand for attacks an encoder will not make: header blocks never finished, HPACK
 * decompression bombs, and (as their honest counterpart) a large Huffman-coded literal. Each is one unpooled heap
 * buffer owned by the caller.
 */
public final class HostileFrames {

    private static final int FRAME = 16_384;
    private static final int HEADERS = 0x1;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private HostileFrames() {
    }

    /** A HEADERS frame without END_HEADERS, then CONTINUATION frames, {@code bytes} of block in all, never ended. */
    public static ByteBuf unfinishedHeaderBlock(int streamId, int bytes) {
        ByteBuf frames = Unpooled.buffer(bytes + (bytes / FRAME + 1) * 9);
        for (int sent = 0; sent < bytes; sent += FRAME) {
            int n = Math.min(FRAME, bytes - sent);
            frames.writeMedium(n).writeByte(sent == 0 ? HEADERS : CONTINUATION).writeByte(0).writeInt(streamId)
                    .writeZero(n);
        }
        return frames;
    }

    /**
     * A request whose block adds one {@code valueBytes} field to the dynamic table, then indexes it {@code repeats}
     * times, one byte each: a few KB sent for up to 4 MB decoded.
     */
    public static ByteBuf hpackBomb(int streamId, int valueBytes, int repeats) {
        ByteBuf block = requestStart("server");
        byte[] name = ascii("x-bomb");
        block.writeByte(0x40).writeByte(name.length).writeBytes(name); // literal, incremental indexing, new name
        writeInt7(block, valueBytes, 0);
        block.writeBytes(ascii("a".repeat(valueBytes)));
        for (int i = 0; i < repeats; i++) {
            block.writeByte(0xbe); // indexed field 62: the entry just added
        }
        return frames(streamId, block);
    }

    /**
     * A request carrying one field {@code x-big} of {@code letters} letters 'a' (a multiple of 8) as a literal,
     * Huffman-coded by hand ('a' is the 5-bit code 00011: eight of them make five bytes), the most a literal can
     * shrink on the wire.
     */
    public static ByteBuf huffmanLiteralRequest(int streamId, String appId, int letters) {
        ByteBuf block = requestStart(appId);
        byte[] name = ascii("x-big");
        block.writeByte(0x00).writeByte(name.length).writeBytes(name); // literal, not indexed, new name
        writeInt7(block, letters / 8 * 5, 0x80);
        byte[] eight = {0x18, (byte) 0xc6, 0x31, (byte) 0x8c, 0x63};
        for (int i = 0; i < letters / 8; i++) {
            block.writeBytes(eight);
        }
        return frames(streamId, block);
    }

    /** :method POST, :scheme http, :path /pkg.Svc/Method and dapr-app-id, none added to the dynamic table. */
    private static ByteBuf requestStart(String appId) {
        ByteBuf block = Unpooled.buffer();
        block.writeByte(0x83).writeByte(0x86); // :method POST, :scheme http (static 3 and 6)
        byte[] path = ascii("/pkg.Svc/Method");
        block.writeByte(0x04).writeByte(path.length).writeBytes(path); // :path (static name 4), not indexed
        byte[] key = ascii("dapr-app-id");
        byte[] value = ascii(appId);
        block.writeByte(0x00).writeByte(key.length).writeBytes(key).writeByte(value.length).writeBytes(value);
        return block;
    }

    /** {@code block} (released) as a HEADERS frame and CONTINUATION frames of 16 KiB, the last with END_HEADERS. */
    private static ByteBuf frames(int streamId, ByteBuf block) {
        ByteBuf frames = Unpooled.buffer(block.readableBytes() + (block.readableBytes() / FRAME + 1) * 9);
        for (boolean first = true; block.isReadable(); first = false) {
            int n = Math.min(FRAME, block.readableBytes());
            frames.writeMedium(n).writeByte(first ? HEADERS : CONTINUATION)
                    .writeByte(block.readableBytes() == n ? END_HEADERS : 0).writeInt(streamId).writeBytes(block, n);
        }
        block.release();
        return frames;
    }

    /** An HPACK integer with a 7-bit prefix (RFC 7541 §5.1); {@code high} is the first byte's top bit (0x80: H). */
    private static void writeInt7(ByteBuf out, int value, int high) {
        if (value < 127) {
            out.writeByte(high | value);
            return;
        }
        out.writeByte(high | 127);
        value -= 127;
        while (value >= 128) {
            out.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
