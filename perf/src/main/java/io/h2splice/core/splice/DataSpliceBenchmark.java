package io.h2splice.core.splice;

import io.h2splice.core.testing.H2Peer;
import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.buffer.ByteBuf;
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
 * DATA frames through the splice in steady state: one open call on the API listener (its response has started, so
 * no replay copy is kept), one DATA frame of {@code size} payload bytes per op fed as one socket read, forwarded to
 * the other connection as the retained inbound buffer, written, its flow-control credit returned. Everything written
 * is drained and released each op; the peers top the windows up as they are used.
 *
 * <p>Compare with {@code io.h2splice.perf.baseline.NettyPassThroughBenchmark}: the same frames through two plain
 * Netty {@code Http2ConnectionHandler}s with a minimal forward, i.e. what Netty's codec costs by itself.
 *
 * <p>Budgets (perf/budgets.json): {@link #request} and {@link #response} 1,500 ns/op for every size (measured about
 * 930-980 ns on a quiet machine, Netty's own share about 610-700 ns), and 512 B/op: Netty's codec allocates 472-498
 * B per frame by itself (the baseline), our code 0 except 24 B on connections accepted by a listener when the JIT does
 * not scalar-replace the frame logger's per-read listener (perf/README.md); one more object per frame fails.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class DataSpliceBenchmark {

    /** DATA payload bytes per frame (one gRPC message with its 5-byte prefix). */
    @Param({"16", "1024", "16384"})
    public int size;

    private SpliceFixture f;
    private ByteBuf requestFrame;
    private ByteBuf responseFrame;

    @Setup(Level.Trial)
    public void open() throws Exception {
        f = new SpliceFixture(SpliceFixture.Listener.API, RequestHeaders.grpcJava(CallBenchmark.HEADERS,
                SpliceFixture.CALLEE), 16);
        f.requestHeaders();
        f.responseHeaders(); // the response started: the request is no longer kept for a replay
        requestFrame = H2Peer.grpcData(f.downId, size, false);
        responseFrame = H2Peer.grpcData(f.upId, size, false);
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            if (requestFrame.refCnt() != 1 || responseFrame.refCnt() != 1) {
                throw new IllegalStateException("a DATA frame was kept or over-released: refCnt "
                        + requestFrame.refCnt() + ", " + responseFrame.refCnt());
            }
            if (f.metrics.streamsActive() != 1 || !f.down.isActive() || !f.up.isActive()) {
                throw new IllegalStateException("the call did not stay open");
            }
        } finally {
            requestFrame.release();
            responseFrame.release();
            f.close();
        }
    }

    /** Client → app. */
    @Benchmark
    public long request() {
        return f.requestData(requestFrame);
    }

    /** App → client. */
    @Benchmark
    public long response() {
        return f.responseData(responseFrame);
    }
}
