package io.h2splice.perf.support;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code -prof io.h2splice.perf.support.FramesPerMessageProfiler}: reports {@code frames.per.msg}, the DATA frames a
 * benchmark's sidecar wrote per gRPC message it forwarded, averaged over the iteration, for benchmarks that
 * {@link #record} them (nothing for the others). A figure that is not a byte count or a time, so JMH's
 * {@code @AuxCounters} (normalised to time, or summed over iterations) cannot show it per op.
 *
 * <p>Threading: {@link #record} from benchmark threads; the counters are atomics the profiler reads after the
 * iteration.
 */
public final class FramesPerMessageProfiler implements InternalProfiler {

    public static final String LABEL = "frames.per.msg";

    private static final AtomicLong FRAMES = new AtomicLong();
    private static final AtomicLong MESSAGES = new AtomicLong();

    /** Adds one op's DATA frames written and the messages they carried (allocation-free). */
    public static void record(long dataFrames, long messages) {
        FRAMES.addAndGet(dataFrames);
        MESSAGES.addAndGet(messages);
    }

    @Override
    public String getDescription() {
        return "DATA frames written per gRPC message forwarded (benchmarks that record them)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        FRAMES.set(0);
        MESSAGES.set(0);
    }

    @Override
    @SuppressWarnings("rawtypes") // JMH's signature
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long messages = MESSAGES.get();
        if (messages == 0) {
            return List.of();
        }
        return List.of(new ScalarResult(LABEL, (double) FRAMES.get() / messages, "frames/msg", AggregationPolicy.AVG));
    }
}
