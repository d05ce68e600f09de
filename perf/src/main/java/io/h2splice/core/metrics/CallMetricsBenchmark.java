package io.h2splice.core.metrics;

import io.h2splice.perf.support.Jvm;
import io.netty.util.AsciiString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What one call records in the per-call families with Dapr's names, as the caller's sidecar does: find the method's
 * and the target's label sets (the {@code :path} value is a different {@link AsciiString} instance per call, as HPACK
 * hands it over), count the attempt, the latency added, then the end with its latency into the HdrHistogram
 * recorders. {@link #scrapeWhileRecording} adds a scrape every 4,096 calls, as a Prometheus server would.
 *
 * <p>Budgets (perf/budgets.json): 0 B/op: nothing is allocated per call once a label set and status were seen.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Benchmark)
public class CallMetricsBenchmark {

    private static final String PATH = "/helloworld.Greeter/SayHello";

    private final ProxyMetrics metrics = new ProxyMetrics();
    private LoopMetrics loop;
    /** Eight distinct instances of the same path bytes, cycled: a lookup never hits by identity. */
    private final AsciiString[] paths = new AsciiString[8];
    private int i;
    private long nanos = 180_000;

    @Setup
    public void setUp() {
        loop = metrics.calls().forLoop(0, "default");
        for (int k = 0; k < paths.length; k++) {
            paths[k] = new AsciiString(PATH.getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);
        }
    }

    @Benchmark
    public void unaryCall() {
        record();
    }

    @Benchmark
    public void scrapeWhileRecording() {
        record();
        if ((i & 4095) == 0) {
            StringBuilder out = new StringBuilder(8192);
            CallMetricsText.render(out, metrics.calls(), "client");
        }
    }

    private void record() {
        AsciiString path = paths[i++ & 7];
        CallSeries method = loop.method(path);
        CallSeries target = loop.target("server", "default", false);
        loop.started(target);
        loop.added(true, 21_000);
        nanos = nanos * 31 % 2_000_000 + 50_000; // spread over the buckets
        loop.ended(target, 0, nanos, true);
        loop.ended(method, 0, nanos, true);
    }
}
