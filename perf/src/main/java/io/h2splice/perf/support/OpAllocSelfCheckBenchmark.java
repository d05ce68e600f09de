package io.h2splice.perf.support;

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
 * The instrument's own check: {@link OpAlloc} around an op that allocates nothing must read 0 B/op
 * ({@code opalloc.norm}), and around one that allocates a {@code long[4]} (48 bytes with compressed oops) must read
 * 48. Budgets: 0 and 48 B/op exactly (perf/budgets.json); a failure means the B/op of the stage benchmarks is off.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class OpAllocSelfCheckBenchmark {

    private long x;

    @Setup(Level.Invocation)
    public void before() {
        OpAlloc.begin();
    }

    @TearDown(Level.Invocation)
    public void after() {
        OpAlloc.end();
    }

    @Benchmark
    public long nothing() {
        return ++x;
    }

    @Benchmark
    public long[] array48() {
        return new long[] {++x, x, x, x};
    }
}
