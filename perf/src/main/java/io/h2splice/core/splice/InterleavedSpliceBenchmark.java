package io.h2splice.core.splice;

import io.h2splice.perf.support.Jvm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Several streams interleaved on one client connection through one sidecar ({@link InterleavedFixture}: the real
 * engine on {@code EmbeddedChannel}s, API listener, one upstream connection to the other sidecar), the shapes of
 * proxy-bench's {@code unary-64KiB-c8} and {@code stream-16KiB-x4}. Each input is a round of one frame per stream,
 * round-robin, in one socket read; the sidecar then writes every stream's bytes at once through its flow
 * controller, whose byte distributor decides how they are cut into frames. That is what {@link DataSpliceBenchmark}
 * (one stream, one frame at a time) cannot show: with Netty's default distributor, 1 KiB slices dealt round-robin,
 * the sidecar wrote about 1.2 KB frames to the next hop; {@code HandlerBuilder}'s uniform distributor with a 16 KiB
 * minimum chunk writes whole 16 KiB frames. Besides ns/op and B/op, {@code frames.per.msg}
 * ({@code -prof io.h2splice.perf.support.FramesPerMessageProfiler}, which perf/run adds) reports the DATA frames the
 * sidecar wrote per message forwarded, both directions; the fixture fails the run when a message took more than its
 * 16 KiB frames and one split.
 *
 * <p>Budgets (perf/budgets.json; measured on the 2-core dev machine, median ns/op and B/op, see perf/README.md):
 * <ul>
 *   <li>{@link #unary64k}: one op = 8 unary calls at once, each a 64 KiB request and a 64 KiB response (four 16 KiB
 *       DATA frames each way): 8 request HEADERS in one read, 4 reads of request DATA, 8 response HEADERS, 4 reads
 *       of response DATA, 8 trailers; all 8 calls end OK. 150,000 ns/op, 67,500 B/op (measured 97,975 ns;
 *       61,369 B: about 480 B per DATA frame forwarded, as in {@link DataSpliceBenchmark}, and the calls' own
 *       objects); 4.5 DATA frames per 64 KiB message (four full ones, and a 1-byte frame per flush pass where the
 *       channel's budget of 64 KiB + 1 byte ends: perf/README.md).</li>
 *   <li>{@link #streams16k}: 4 bidi streams held open; one op = one 16 KiB message (one DATA frame) each way on
 *       each stream: a read of 4 request frames, a read of 4 response frames. 12,000 ns/op, 4,200 B/op (measured
 *       8,028 ns; 3,815 B: Netty's 477 B per frame, none of ours); 1.0 DATA frame per 16 KiB message.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
public class InterleavedSpliceBenchmark {

    /** Unary calls in flight at once on the client connection, and their message size each way (proxy-bench's). */
    static final int UNARY_CALLS = 8;
    static final int UNARY_BYTES = 64 * 1024;
    /** Bidi streams held open, and their message size each way. */
    static final int STREAMS = 4;
    static final int STREAM_BYTES = 16 * 1024;

    /** One sidecar, one client connection; every op opens and ends its calls. */
    @State(Scope.Thread)
    public static class Unary {
        InterleavedFixture f;

        @Setup(Level.Trial)
        public void open() throws Exception {
            f = InterleavedFixture.unary(UNARY_CALLS, UNARY_BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            f.close();
        }
    }

    /** One sidecar, one client connection, bidi streams opened once for the trial. */
    @State(Scope.Thread)
    public static class Streams {
        InterleavedFixture f;

        @Setup(Level.Trial)
        public void open() throws Exception {
            f = InterleavedFixture.bidi(STREAMS, STREAM_BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            f.close();
        }
    }

    /** Warmed up longer: its op is about 100 µs of engine code, which C2 takes some 10 s to settle on 2 cores. */
    @Benchmark
    @Warmup(iterations = 8, time = 2)
    public long unary64k(Unary s) {
        return s.f.op();
    }

    @Benchmark
    public long streams16k(Streams s) {
        return s.f.op();
    }
}
