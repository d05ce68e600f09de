package io.h2splice.core.trace;

import io.h2splice.core.headers.HeaderNames;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An unsampled call allocates nothing: HotSpot's per-thread allocation counter (exact to the byte) reads the same
 * before and after many {@link W3cTracer#start} calls. (perf's
 * {@code W3cTracerBenchmark} checks the same under JMH with a 0 B/op budget.)
 */
class UnsampledAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int CALLS = 20_000;

    private static long allocatedBy(W3cTracer t, Http2Headers h) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            if (t.start(h, (i & 1) == 0) != null) {
                throw new AssertionError("sampled");
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void assertNoAllocation(String what, W3cTracer t, Http2Headers h) {
        assertNull(t.start(h, false)); // first call: class initialisation, ThreadLocalRandom's seed
        // A per-call allocation would show in every round (at least 16 B x CALLS); a one-off of the JIT (an OSR
        // or deoptimisation) does not recur, so the least of a few rounds is the figure.
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5 && least > 0; round++) {
            least = Math.min(least, allocatedBy(t, h));
        }
        assertEquals(0, least, what + ": bytes allocated by " + CALLS + " unsampled calls");
    }

    static volatile Object sink;

    /** The negative control: the same measurement sees one small array per call. */
    @Test
    void instrumentSeesAnAllocationPerCall() {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            sink = new long[4];
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals(true, bytes >= 48L * CALLS, bytes + " bytes for " + CALLS + " arrays of 48 B");
    }

    @Test
    void unsampledTraceparent() {
        Http2Headers h = W3cTracerTest.request();
        h.set(HeaderNames.TRACEPARENT, W3cTracerTest.UNSAMPLED_PARENT);
        h.set(HeaderNames.TRACESTATE, "rojo=00f067aa0ba902b7");
        assertNoAllocation("unsampled parent", new W3cTracer(1.0, new SpanQueue(16)), h);
    }

    @Test
    void unsampledGrpcTraceBin() {
        Http2Headers h = W3cTracerTest.request();
        h.set(HeaderNames.GRPC_TRACE_BIN, GrpcTraceBin.format(1, 2, 3, 0));
        assertNoAllocation("unsampled grpc-trace-bin", new W3cTracer(1.0, new SpanQueue(16)), h);
    }

    @Test
    void rootNotDrawn() {
        assertNoAllocation("no parent, not drawn", new W3cTracer(1e-15, new SpanQueue(16)),
                W3cTracerTest.request());
    }

    @Test
    void malformedHeadersNotDrawn() {
        Http2Headers h = W3cTracerTest.request();
        h.set(HeaderNames.TRACEPARENT, "00-" + W3cTracerTest.TRACE + "-0000000000000000-01");
        h.set(HeaderNames.GRPC_TRACE_BIN, "bm90IGEgY29udGV4dA==");
        assertNoAllocation("malformed context, not drawn", new W3cTracer(1e-15, new SpanQueue(16)), h);
    }
}
