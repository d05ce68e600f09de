package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The payload of a DATA frame is handed on as a view of the buffers the socket filled, never copied, also when the
 * frame arrives split over two reads (as it does whenever a read ends inside a frame: most reads of 16 KiB frames).
 * Shown by writing into the buffers after they were read: a view of them sees the change, a copy would not. With
 * Netty's default cumulator the second half of the frame and the tail of the first read were copied into a new
 * buffer (perf/results/2026-12-07-read-path.md: 5–7 % of a sidecar's CPU relaying 64 KiB calls).
 */
class NoPayloadCopyTest extends EngineFixture {

    @Test
    void aFrameSplitOverTwoReadsIsHandedOnAsAViewOfThem() throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        feed(down, client.headers(1, request("app"), false));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        answerPreface(up, app);

        byte[] payload = new byte[1_000];
        Arrays.fill(payload, (byte) 'a');
        ByteBuf frame = H2Peer.data(1, payload, false);
        int half = frame.readableBytes() / 2; // 9-byte frame header + 491 payload bytes | 509 payload bytes
        ByteBuf first = Unpooled.directBuffer(half).writeBytes(frame, half);
        ByteBuf second = Unpooled.directBuffer(frame.readableBytes()).writeBytes(frame);
        frame.release();
        feed(down, first);
        feed(down, second);

        ByteBuf relayed = null;
        for (Object o : up.outboundMessages()) {
            if (o instanceof ByteBuf b && b.readableBytes() == payload.length) {
                relayed = b;
            }
        }
        assertNotNull(relayed, "the payload was written to the app as one buffer of " + payload.length + " bytes");
        int start = relayed.readerIndex();
        assertEquals('a', relayed.getByte(start));
        assertEquals('a', relayed.getByte(start + payload.length - 1));

        first.setByte(half - 1, 'x');  // the last payload byte of the first read
        second.setByte(0, 'y');        // the first payload byte of the second read
        second.setByte(second.writerIndex() - 1, 'z');
        int firstPart = half - 9;
        assertEquals('x', relayed.getByte(start + firstPart - 1), "payload from the first read is a view of it");
        assertEquals('y', relayed.getByte(start + firstPart), "payload from the second read is a view of it");
        assertEquals('z', relayed.getByte(start + payload.length - 1));
    }
}
