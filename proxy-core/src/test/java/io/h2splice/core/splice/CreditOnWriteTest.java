package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flow-control credit follows the other side's write, one hop out from Netty's
 * {@code DefaultHttp2LocalFlowControllerTest.windowUpdateShouldSendOnceBytesReturned}: the bytes of a DATA frame go
 * back to the sender's stream window when the write of those bytes on the other connection completes, not before,
 * and the WINDOW_UPDATE is written when the bytes returned reach half the stream window (Netty's ratio). The other
 * connection's writes are held by {@link HeldWrites}, a socket whose send buffer drains only when the test says so.
 * Both directions: request (client → app) and response (app → client). Every buffer fed in ends with refCnt 1
 * (checked by {@link EngineFixture}).
 */
class CreditOnWriteTest extends EngineFixture {

    /** The proxy's stream and connection windows: a stream WINDOW_UPDATE once 32,768 bytes are returned. */
    private static final int WINDOW = 65_535;
    /** Three DATA frames: the first two return 32,767 bytes, one short of the update; the third passes it. */
    private static final int A = 16_384;
    private static final int B = 16_383;
    private static final int C = 10;

    private HeldWrites held;

    @AfterEach
    void letHeldWritesGo() {
        if (held != null) {
            held.remove(); // what is still held goes out, and the fixture's close is not held: it checks refCnt
        }
    }

    @Test
    void requestCreditReturnsToTheClientWhenTheWriteToTheAppCompletes() throws Exception {
        start(Limits.defaults().withWindows(WINDOW, WINDOW));
        feed(down, client.headers(1, request("app"), false));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        answerPreface(up, app);
        app.read(up);
        client.read(down);
        SpliceHandler receiver = down.pipeline().get(DownstreamHandler.class);
        Http2Stream stream = receiver.connection().stream(1);

        held = HeldWrites.install(up);
        feed(down, H2Peer.data(1, new byte[A], false));
        feed(down, H2Peer.data(1, new byte[B], false));
        feed(down, H2Peer.data(1, new byte[C], false));
        assertEquals(3, held.frames(), "the three frames were written to the app's connection, and are held there");
        assertEquals(A + B + C, unconsumed(receiver, stream), "no byte is credited before its write completes");
        assertEquals(List.of(), streamCredit(client.read(down), 1));

        held.letThrough(2);
        assertEquals(List.of(A, B), dataSizes(app.read(up)));
        assertEquals(C, unconsumed(receiver, stream), "the two frames written are credited, exactly");
        assertEquals(List.of(), streamCredit(client.read(down), 1), "32,767 bytes returned: below half the window");

        held.letThrough(1);
        assertEquals(List.of(C), dataSizes(app.read(up)));
        assertEquals(0, unconsumed(receiver, stream));
        assertEquals(List.of(A + B + C), streamCredit(client.read(down), 1),
                "the WINDOW_UPDATE goes out when the write that passes half the window completes");
    }

    @Test
    void responseCreditReturnsToTheAppWhenTheWriteToTheClientCompletes() throws Exception {
        start(Limits.defaults().withWindows(WINDOW, WINDOW));
        feed(down, client.headers(1, request("app"), true));
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        int upId = answerPreface(up, app);
        feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        app.read(up);
        assertEquals(1, ofType(client.read(down), "HEADERS").size(), "the response began");
        SpliceHandler receiver = up.pipeline().get(UpstreamHandler.class);
        Http2Stream stream = receiver.connection().stream(upId);

        held = HeldWrites.install(down);
        feed(up, H2Peer.data(upId, new byte[A], false));
        feed(up, H2Peer.data(upId, new byte[B], false));
        feed(up, H2Peer.data(upId, new byte[C], false));
        assertEquals(3, held.frames(), "the three frames were written to the client's connection, and are held there");
        assertEquals(A + B + C, unconsumed(receiver, stream), "no byte is credited before its write completes");
        assertEquals(List.of(), streamCredit(app.read(up), upId));

        held.letThrough(2);
        assertEquals(List.of(A, B), dataSizes(client.read(down)));
        assertEquals(C, unconsumed(receiver, stream), "the two frames written are credited, exactly");
        assertEquals(List.of(), streamCredit(app.read(up), upId), "32,767 bytes returned: below half the window");

        held.letThrough(1);
        assertEquals(List.of(C), dataSizes(client.read(down)));
        assertEquals(0, unconsumed(receiver, stream));
        assertEquals(List.of(A + B + C), streamCredit(app.read(up), upId),
                "the WINDOW_UPDATE goes out when the write that passes half the window completes");
    }

    /** Bytes received on {@code stream} and not yet returned to its window. */
    private static int unconsumed(SpliceHandler h, Http2Stream stream) {
        return h.connection().local().flowController().unconsumedBytes(stream);
    }

    /** The increments of the WINDOW_UPDATE frames for {@code streamId} (not the connection's) among {@code frames}. */
    private static List<Integer> streamCredit(List<H2Peer.Frame> frames, int streamId) {
        List<Integer> out = new ArrayList<>();
        for (H2Peer.Frame f : ofType(frames, "WINDOW_UPDATE")) {
            if (f.streamId() == streamId) {
                out.add((int) f.code());
            }
        }
        return out;
    }

    private static List<Integer> dataSizes(List<H2Peer.Frame> frames) {
        List<Integer> out = new ArrayList<>();
        for (H2Peer.Frame f : ofType(frames, "DATA")) {
            out.add(f.data().length);
        }
        return out;
    }

    /**
     * Holds every write that reaches the head of a channel's pipeline, bytes and promise, until the test lets it
     * through: to the handlers above it, a socket whose send buffer does not drain. Counted in whole HTTP/2 frames
     * (Netty writes a frame's header and its payload as separate buffers).
     */
    static final class HeldWrites extends ChannelOutboundHandlerAdapter {

        private record Write(ByteBuf bytes, ChannelPromise promise) {
        }

        private final ArrayDeque<Write> writes = new ArrayDeque<>();
        private ChannelHandlerContext ctx;

        static HeldWrites install(EmbeddedChannel ch) {
            HeldWrites h = new HeldWrites();
            ch.pipeline().addFirst(h);
            return h;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes.add(new Write((ByteBuf) msg, promise)); // owned here until let through
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing leaves until the test says so
        }

        /** Whole frames held now. */
        int frames() {
            int frames = 0;
            int left = 0;
            for (Write w : writes) {
                if (left == 0) {
                    left = frameLength(w.bytes);
                }
                left -= w.bytes.readableBytes();
                assertTrue(left >= 0, "a write spans two frames");
                if (left == 0) {
                    frames++;
                }
            }
            return frames;
        }

        /** Completes the writes of the first {@code frames} frames held: their bytes go out, their promises succeed. */
        void letThrough(int frames) {
            for (int i = 0; i < frames; i++) {
                int left = frameLength(writes.peekFirst().bytes);
                while (left > 0) {
                    Write w = writes.pollFirst();
                    left -= w.bytes.readableBytes();
                    ctx.write(w.bytes, w.promise);
                }
            }
            ctx.flush();
        }

        /** Lets every write held through and stops holding. */
        void remove() {
            Write w;
            while ((w = writes.pollFirst()) != null) {
                ctx.write(w.bytes, w.promise);
            }
            ctx.flush();
            ctx.pipeline().remove(this);
        }

        /** A frame's length on the wire, from the 9-byte header that starts {@code b}. */
        private static int frameLength(ByteBuf b) {
            return 9 + b.getUnsignedMedium(b.readerIndex());
        }
    }
}
