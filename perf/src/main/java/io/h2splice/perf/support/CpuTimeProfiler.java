package io.h2splice.perf.support;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * {@code -prof io.h2splice.perf.support.CpuTimeProfiler}: reports {@code cpu.time.norm}, the benchmark JVM's CPU time
 * per op (every thread: the measured one, the garbage collector, the JIT), for comparing benchmarks on a machine
 * shared with other work. ns/op is wall-clock time and grows while other processes hold the cores; CPU time counts
 * only what this process ran, so it moves much less with the load (it still grows some: shared caches, and a
 * descheduled thread's cache is cold when it returns). Not used by perf/run or the budgets.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    public static final String LABEL = "cpu.time.norm";

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long start;

    @Override
    public String getDescription() {
        return "CPU time of the whole benchmark JVM per op (ns/op), less sensitive to other processes than ns/op";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        start = OS.getProcessCpuTime();
    }

    @Override
    @SuppressWarnings("rawtypes") // JMH's signature
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long ops = result.getMetadata().getAllOps();
        long cpu = OS.getProcessCpuTime() - start;
        if (ops <= 0 || start < 0 || cpu < 0) {
            return List.of();
        }
        return List.of(new ScalarResult(LABEL, (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
    }
}
