package io.h2splice.perf.support;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Releases what an {@link EmbeddedChannel} wrote and counts it frame by frame on the way, without allocating: how
 * many DATA frames the connection under test wrote and how many payload bytes they carried. The frames are not
 * decoded (no HPACK), only their 9-byte headers read; a header or payload may straddle outbound buffers (Netty's
 * frame writer writes a DATA frame's header and its payload as two), so the tally keeps its place across buffers and
 * drains.
 *
 * <p>Start it at a frame boundary (after the connection preface has been drained) and let it see everything the
 * channel writes from then on. Threading: the benchmark thread only.
 */
public final class FrameTally {

    private static final int DATA = 0x0;

    private long dataFrames;
    private long dataBytes;
    private long frames;
    /** Bytes of the current frame's header seen so far (0..8), its length and type as read so far. */
    private int headerSeen;
    private int length;
    private int type;
    /** Payload bytes of the current frame still to skip. */
    private int payloadLeft;

    /** Releases everything {@code ch} wrote, counting its frames. @return the bytes released */
    public long drain(EmbeddedChannel ch) {
        long n = 0;
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) m;
            n += b.readableBytes();
            scan(b);
            b.release();
        }
        return n;
    }

    private void scan(ByteBuf b) {
        int at = b.readerIndex();
        int end = b.writerIndex();
        while (at < end) {
            if (payloadLeft > 0) {
                int n = Math.min(payloadLeft, end - at);
                at += n;
                payloadLeft -= n;
                if (type == DATA) {
                    dataBytes += n;
                }
                continue;
            }
            int v = b.getUnsignedByte(at++);
            if (headerSeen < 3) {
                length = length << 8 | v;
            } else if (headerSeen == 3) {
                type = v;
            }
            if (++headerSeen == 9) { // flags and stream id are not needed
                frames++;
                if (type == DATA) {
                    dataFrames++;
                }
                payloadLeft = length;
                headerSeen = 0;
                length = 0;
            }
        }
    }

    /** DATA frames counted (with or without payload). */
    public long dataFrames() {
        return dataFrames;
    }

    /** DATA payload bytes counted (padding included; the engine writes none). */
    public long dataBytes() {
        return dataBytes;
    }

    /** Frames of every type counted. */
    public long frames() {
        return frames;
    }

    /** True between frames, i.e. the tally saw every byte of every frame it started. */
    public boolean atFrameBoundary() {
        return headerSeen == 0 && payloadLeft == 0;
    }
}
