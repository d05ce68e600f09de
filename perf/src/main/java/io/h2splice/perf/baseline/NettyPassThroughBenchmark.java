package io.h2splice.perf.baseline;

import io.h2splice.core.testing.H2Peer;
import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The baseline for {@code DataSpliceBenchmark}: what Netty's HTTP/2 codec costs by itself. Two plain
 * {@link Http2ConnectionHandler}s (the same settings as the proxy's), and the least glue that forwards a DATA frame:
 * the inbound buffer retained into the other connection's encoder with a new promise, its bytes returned at once,
 * one flush. No flow-control deferral, no write listener, no flush batching, no splice object: anything
 * {@code DataSpliceBenchmark} spends beyond this is ours.
 *
 * <p>Not a budgeted benchmark of our code; its figures are recorded next to the splice's in perf/budgets.json
 * ({@code baseline}) so that the report can show our own share per frame.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class NettyPassThroughBenchmark {

    private static final int TOP_UP = 1 << 30;

    @Param({"16", "1024", "16384"})
    public int size;

    private EmbeddedChannel down;
    private EmbeddedChannel up;
    private Http2ConnectionHandler upHandler;
    private ChannelHandlerContext upCtx;
    private final H2Peer client = new H2Peer(false);
    private final H2Peer app = new H2Peer(true);
    private ByteBuf frame;
    private ByteBuf appTopUp;
    private ByteBuf appTopUpStream;
    private long appWindowUsed;

    private static Http2Settings settings(boolean server) {
        Http2Settings s = new Http2Settings().maxHeaderListSize(4L << 20).maxFrameSize(16_384)
                .initialWindowSize(1 << 20);
        if (server) {
            s.maxConcurrentStreams(2048);
        } else {
            s.pushEnabled(false);
        }
        return s;
    }

    /** Forwards the client's stream 1 to the app's stream 1. */
    private final class Forward extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) {
            upHandler.encoder().writeHeaders(upCtx, 1, headers, 0, endStream, upCtx.newPromise());
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int dependency,
                                  short weight, boolean exclusive, int padding, boolean endStream) {
            onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endStream) {
            upHandler.encoder().writeData(upCtx, 1, data.retain(), padding, endStream, upCtx.newPromise());
            return data.readableBytes() + padding;
        }
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        upHandler = new Http2ConnectionHandlerBuilder().server(false).initialSettings(settings(false))
                .frameListener(new Http2FrameAdapter()).validateHeaders(true).build();
        up = new EmbeddedChannel(upHandler);
        upCtx = up.pipeline().context(upHandler);
        Http2ConnectionHandler downHandler = new Http2ConnectionHandlerBuilder().server(true)
                .initialSettings(settings(true)).frameListener(new Forward()).validateHeaders(true).build();
        down = new EmbeddedChannel(downHandler);

        Http2Settings peer = new Http2Settings().initialWindowSize(Integer.MAX_VALUE);
        feedOnce(down, client.clientPreface(peer));
        feedOnce(down, client.settingsAck());
        feedOnce(up, app.settings(peer));
        feedOnce(up, app.settingsAck());
        feedOnce(up, app.windowUpdate(0, Integer.MAX_VALUE - 65_535));
        feedOnce(down, client.headers(1, RequestHeaders.grpcJava(12, "server"), false));
        up.pipeline().flush();
        java.util.List<H2Peer.Frame> atApp = app.read(up);
        if (H2Peer.ofType(atApp, "HEADERS").size() != 1) {
            throw new IllegalStateException("the baseline did not forward the request HEADERS: " + atApp);
        }
        H2Peer.drain(down);
        frame = H2Peer.grpcData(1, size, false);
        appTopUp = app.windowUpdate(0, TOP_UP);
        appTopUpStream = app.windowUpdate(1, TOP_UP);
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            if (frame.refCnt() != 1) {
                throw new IllegalStateException("the DATA frame was kept or over-released: refCnt " + frame.refCnt());
            }
        } finally {
            frame.release();
            appTopUp.release();
            appTopUpStream.release();
            down.finishAndReleaseAll();
            up.finishAndReleaseAll();
            client.close();
            app.close();
        }
    }

    @Benchmark
    public long request() {
        H2Peer.feed(down, frame);
        up.pipeline().flush();
        appWindowUsed += size;
        if (appWindowUsed >= TOP_UP) { // the app grants more (never above 2^31-1)
            appWindowUsed -= TOP_UP;
            H2Peer.feed(up, appTopUp);
            H2Peer.feed(up, appTopUpStream);
        }
        return H2Peer.drain(up) + H2Peer.drain(down);
    }

    private static void feedOnce(EmbeddedChannel ch, ByteBuf frames) {
        H2Peer.feed(ch, frames);
        frames.release();
        ch.runPendingTasks();
    }
}
