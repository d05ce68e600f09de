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
 * <p>Budgets (perf/budgets.json): parse 120 ns/op, 200 B/op; isValidMethod 60 ns/op, 0 B/op.
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
