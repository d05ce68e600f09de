package io.h2splice.core.routing;

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
 * {@link AppIds#parse} of a routing key as HPACK decodes it (an {@link AsciiString}), and
 * {@link AppIds#isValidMethod} of a method path.
 *
 * <p>The key is the same {@link AsciiString} every op, as HPACK hands out for a value found in its dynamic table (a
 * warm connection), so its cached {@code toString()} is reused as in production.
 *
 * <p>Budgets (perf/budgets.json): parse {@code server} 15 ns/op, 40 B/op (measured 9 ns, 32 B: the {@code Route});
 * {@code server.production} 40 ns/op, 150 B/op (measured 24.5 ns, 136 B: two substrings and the {@code Route});
 * isValidMethod 35 ns/op, 0 B/op (measured 21 ns).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class AppIdsBenchmark {

    @Param({"server", "server.production"})
    public String key;

    private AsciiString keyAscii;
    private final AsciiString path = AsciiString.of("/helloworld.Greeter/SayHello");

    @Setup(Level.Trial)
    public void setUp() {
        keyAscii = AsciiString.of(key);
    }

    @Benchmark
    public Route parse() {
        return AppIds.parse(keyAscii, "default");
    }

    @Benchmark
    public boolean isValidMethod() {
        return AppIds.isValidMethod(path);
    }
}
