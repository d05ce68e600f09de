package io.h2splice.core.headers;

import io.h2splice.perf.support.Jvm;
import io.netty.util.AsciiString;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link GrpcTimeout#parseNanos} of a decoded {@code grpc-timeout} value and {@link GrpcTimeout#format} of the
 * remaining time (what a splice does per call with a deadline).
 *
 * <p>Budgets (perf/budgets.json): parseNanos 15 ns/op, 0 B/op (measured 8.9 ns); format 20 ns/op, 64 B/op (measured
 * 12.7 ns, 48-56 B: the string).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class GrpcTimeoutBenchmark {

    /** As grpc-java writes them: a 1 s deadline in microseconds, and a long one in milliseconds. */
    @Param({"999998u", "29999m"})
    public String timeout;

    private AsciiString value;
    private long nanos;

    @Setup(Level.Trial)
    public void setUp() {
        value = AsciiString.of(timeout);
        nanos = GrpcTimeout.parseNanos(value) - 12_345;
    }

    @Benchmark
    public long parseNanos() {
        return GrpcTimeout.parseNanos(value);
    }

    @Benchmark
    public String format() {
        return GrpcTimeout.format(nanos);
    }
}
