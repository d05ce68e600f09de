package io.h2splice.core.splice;

import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.OpAlloc;
import io.h2splice.perf.support.RequestHeaders;
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
 * One gRPC call through a sidecar's splice engine ({@link SpliceFixture}: real handlers on {@code EmbeddedChannel}s,
 * HPACK-encoded frames in, frames drained out), on the API listener (routed to another app's sidecar) and on the
 * internal listener (routed to the local app). Request headers: {@link RequestHeaders#grpcJava} with 12 headers
 * ({@code -bin} one included); messages of 16 bytes.
 *
 * <p>Budgets (perf/budgets.json; measured on the 2-core dev machine, median ns/op and B/op, see perf/README.md):
 * <ul>
 *   <li>{@link #unaryCall}: the whole call, request HEADERS+DATA in one read, response HEADERS+DATA+trailers in one
 *       read. API 10,000 ns/op, 5,300 B/op (measured 6,715 ns; 4,792 B); INTERNAL 9,200 ns/op, 5,250 B/op
 *       (measured 6,107 ns; 4,752 B).</li>
 *   <li>{@link #requestHeaders}: HEADERS in → routed HEADERS out (decode, route, rewrite, splice, pool, upstream
 *       stream, encode, flush). API 3,900 ns/op, 2,600 B/op (measured 2,568 ns; 2,362 B); INTERNAL 3,700 ns/op,
 *       2,500 B/op (measured 2,425 ns; 2,272 B).</li>
 *   <li>{@link #responseTrailers}: the app's trailers forwarded to the client, which ends the call (both streams
 *       closed, metrics recorded). 2,700 ns/op, 780 B/op (measured 1,772 ns, 707 B).</li>
 * </ul>
 * The stage benchmarks run the rest of the call untimed ({@code Level.Invocation}); their B/op is
 * {@code opalloc.norm} (timed region only), the unary call's is {@code gc.alloc.rate.norm}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
public class CallBenchmark {

    /** Headers per request: the grpc-java set, {@code dapr-app-id}, a {@code -bin} entry, traceparent, a request id. */
    static final int HEADERS = 12;

    /** One sidecar with one client connection and one upstream connection, warmed by two checked calls. */
    @State(Scope.Thread)
    public static class Call {
        @Param({"API", "INTERNAL"})
        public String listener;

        SpliceFixture f;

        @Setup(Level.Trial)
        public void open() throws Exception {
            f = new SpliceFixture(SpliceFixture.Listener.valueOf(listener),
                    RequestHeaders.grpcJava(HEADERS, SpliceFixture.CALLEE), 16);
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                f.checkIdle();
            } finally {
                f.close();
            }
        }
    }

    /** The rest of the call around a timed request HEADERS. */
    public static class HeadersStage extends Call {
        @Setup(Level.Invocation)
        public void before() {
            OpAlloc.begin();
        }

        @TearDown(Level.Invocation)
        public void after() {
            OpAlloc.end();
            f.requestMessage();
            f.response();
            f.nextCall();
        }
    }

    /** The rest of the call around timed response trailers. */
    public static class TrailersStage extends Call {
        @Setup(Level.Invocation)
        public void before() {
            f.request();
            f.responseHeaders();
            f.responseMessage();
            OpAlloc.begin();
        }

        @TearDown(Level.Invocation)
        public void after() {
            OpAlloc.end();
            f.nextCall();
        }
    }

    @Benchmark
    public long unaryCall(Call c) {
        long bytes = c.f.request() + c.f.response();
        c.f.nextCall();
        return bytes;
    }

    @Benchmark
    public long requestHeaders(HeadersStage c) {
        return c.f.requestHeaders();
    }

    @Benchmark
    public long responseTrailers(TrailersStage c) {
        return c.f.responseTrailers();
    }
}
