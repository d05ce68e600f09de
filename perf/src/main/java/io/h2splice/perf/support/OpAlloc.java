package io.h2splice.perf.support;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes allocated by the current thread inside a benchmark's timed region only, for benchmarks whose op needs
 * untimed per-invocation setup ({@code @Setup(Level.Invocation)}: JMH's {@code -prof gc} counts setup allocations
 * too). Call {@link #begin()} as the last statement of the invocation setup and {@link #end()} as the first of the
 * invocation teardown; {@link OpAllocProfiler} reports {@code opalloc.norm}, the bytes per op of the timed region.
 *
 * <p>Precise to the byte: HotSpot counts the used part of the thread's TLAB. The reads themselves allocate nothing
 * (checked by {@code OpAllocSelfCheckBenchmark}); JMH's own timing between begin and end allocates nothing.
 */
public final class OpAlloc {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicLong BYTES = new AtomicLong();
    private static final AtomicLong OPS = new AtomicLong();
    private static final ThreadLocal<long[]> START = ThreadLocal.withInitial(() -> new long[1]);

    private OpAlloc() {
    }

    public static void begin() {
        long[] s = START.get();
        s[0] = THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Ends one op that began with {@link #begin()} on this thread. */
    public static void end() {
        long now = THREADS.getCurrentThreadAllocatedBytes();
        BYTES.addAndGet(now - START.get()[0]);
        OPS.incrementAndGet();
    }

    static void reset() {
        BYTES.set(0);
        OPS.set(0);
    }

    /** @return bytes per op since the last reset, or NaN when no op was counted */
    static double perOp() {
        long ops = OPS.get();
        return ops == 0 ? Double.NaN : (double) BYTES.get() / ops;
    }
}
