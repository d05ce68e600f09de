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

/**
 * {@code -prof io.h2splice.perf.support.OpAllocProfiler}: reports {@code opalloc.norm}, the bytes allocated per op
 * inside the timed region of benchmarks that use {@link OpAlloc} (nothing for the others).
 */
public final class OpAllocProfiler implements InternalProfiler {

    public static final String LABEL = "opalloc.norm";

    @Override
    public String getDescription() {
        return "bytes allocated per op inside the timed region (benchmarks using OpAlloc)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        OpAlloc.reset();
    }

    @Override
    @SuppressWarnings("rawtypes") // JMH's signature
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        double perOp = OpAlloc.perOp();
        if (Double.isNaN(perOp)) {
            return List.of();
        }
        return List.of(new ScalarResult(LABEL, perOp, "B/op", AggregationPolicy.AVG));
    }
}
