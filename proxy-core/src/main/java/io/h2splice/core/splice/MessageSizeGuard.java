package io.h2splice.core.splice;

import io.netty.buffer.ByteBuf;

/**
 * Enforces {@code --max-body-size} per gRPC message by reading the 5-byte length prefixes as DATA passes: it reads
 * bytes in place ({@link ByteBuf#getUnsignedByte}) and skips message bodies, never buffering or copying them.
 * One per direction of a call, only when a limit is set.
 */
final class MessageSizeGuard {

    /** Returned by {@link #check} when every message so far is within the limit. */
    static final long OK = -1;

    private final long max;
    private long remaining;
    private int prefixPos;
    private long length;

    MessageSizeGuard(long max) {
        this.max = max;
    }

    /** @return {@link #OK}, or the length of the first message larger than the limit */
    long check(ByteBuf data) {
        int idx = data.readerIndex();
        int end = data.writerIndex();
        while (idx < end) {
            if (remaining > 0) {
                int skip = (int) Math.min(remaining, end - idx);
                remaining -= skip;
                idx += skip;
                continue;
            }
            if (prefixPos == 0 && end - idx >= 5) { // the whole prefix is in this frame: one read, no loop
                long len = data.getUnsignedInt(idx + 1);
                if (len > max) {
                    return len;
                }
                remaining = len;
                idx += 5;
                continue;
            }
            int b = data.getUnsignedByte(idx++);
            if (prefixPos > 0) { // byte 0 is the compressed flag; bytes 1..4 the big-endian length
                length = (length << 8) | b;
            }
            if (++prefixPos == 5) {
                if (length > max) {
                    return length;
                }
                remaining = length;
                prefixPos = 0;
                length = 0;
            }
        }
        return OK;
    }

    long max() {
        return max;
    }
}
