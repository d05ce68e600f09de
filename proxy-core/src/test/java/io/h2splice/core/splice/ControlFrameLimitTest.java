package io.h2splice.core.splice;

import io.h2splice.core.config.Keepalive;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ControlFrameLimit} on the API listener's codec, with PING acknowledgements: a socket that takes nothing (the
 * peer reads nothing) is stood in for by a handler that keeps every write pending, or, for the honest peer, completes
 * them.
 */
class ControlFrameLimitTest {

    private final H2Peer client = new H2Peer(false);
    private final Socket socket = new Socket();
    private EmbeddedChannel down;

    /** The socket end of the pipeline: holds each write (its promise pending) until {@link #drain}. */
    private static final class Socket extends ChannelOutboundHandlerAdapter {
        private final List<Object> held = new ArrayList<>();
        private final List<ChannelPromise> pending = new ArrayList<>();
        boolean reading = true;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (reading) {
                ReferenceCountUtil.release(msg);
                promise.setSuccess();
            } else {
                held.add(msg);
                pending.add(promise);
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
        }

        /** Lets go of what was held as a closed socket would: its writes fail (their listeners release too). */
        void release() {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
            pending.forEach(p -> p.tryFailure(new java.nio.channels.ClosedChannelException()));
            pending.clear();
        }
    }

    private void start() {
        down = new EmbeddedChannel(socket);
        // PINGs as often as the peer likes (one nanosecond apart): the strikes of PingStrikes never close it first.
        ProxyConfig config = ProxyConfig.loopback("a", 0).withKeepalive(new Keepalive(Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1), Duration.ofNanos(1)));
        LoopState state = LoopState.builder(down.eventLoop(), config, new ProxyMetrics()).build();
        down.pipeline().addLast(HandlerBuilder.downstream(state, ProxyMetrics.Side.API,
                OutboundRouter.builder(config.appId(), config.namespace()).build()));
        down.writeInbound(client.clientPreface());
    }

    @AfterEach
    void tearDown() {
        socket.release();
        down.finishAndReleaseAll();
        client.close();
    }

    /**
     * PING frames in one read, as a flood arrives: each asks for an acknowledgement (a SETTINGS flood would be closed
     * by {@link SettingsFlood} at its 101st frame, whether the acknowledgements are read or not).
     */
    private void pingFlood(int frames) {
        ByteBuf b = Unpooled.buffer(frames * 17);
        for (int i = 0; i < frames; i++) {
            b.writeMedium(8).writeByte(0x6).writeByte(0).writeInt(0).writeLong(i);
        }
        down.writeInbound(b);
        down.runPendingTasks();
    }

    @Test
    void aPeerThatReadsNoneOfTenThousandAcknowledgementsIsClosed() {
        start();
        socket.reading = false;
        pingFlood(9_999);
        assertTrue(down.isActive(), "9,999 acknowledgements may wait");
        pingFlood(2);
        assertFalse(down.isActive(), "the 10,001st is one too many");
    }

    @Test
    void aPeerThatReadsItsAcknowledgementsIsNeverClosed() {
        start();
        pingFlood(30_000);
        assertTrue(down.isActive());
    }
}
