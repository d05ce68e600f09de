package io.h2splice.core.splice;

import com.sun.net.httpserver.HttpServer;
import io.h2splice.core.config.Tracing;
import io.h2splice.core.metrics.LatencyBuckets;
import io.h2splice.core.metrics.MetricsSettings;
import io.h2splice.core.trace.CallTracer;
import io.h2splice.core.trace.TraceRuntime;
import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.handler.codec.http2.Http2Headers;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What observability costs a whole unary call through the splice engine, on each end of the 2-hop path (the caller's
 * sidecar: {@code API}; the callee's: {@code INTERNAL}), the same call as {@link CallBenchmark#unaryCall} but with the
 * client sending no {@code traceparent}, so that sampling is the ratio's:
 * <ul>
 *   <li>{@code OFF}: per-call metrics off ({@code --enable-metrics=false}) and tracing off ({@code samplingRate 0});</li>
 *   <li>{@code METRICS}: Dapr-named metrics recorded, tracing off;</li>
 *   <li>{@code METRICS_TRACE_1PCT}: metrics, and 1 % of calls traced with spans exported in Zipkin's format to an
 *       HTTP endpoint in this JVM (read and dropped), by the sidecar's export thread.</li>
 * </ul>
 * The export thread works beside the measured thread (on the second core), so ns/op is the cost on the event loop;
 * B/op counts every thread's allocation per op (the exporter's share included).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class TelemetryBenchmark {

    @Param({"API", "INTERNAL"})
    public String listener;

    @Param({"OFF", "METRICS", "METRICS_TRACE_1PCT"})
    public String telemetry;

    private SpliceFixture f;
    private TraceRuntime tracing;
    private HttpServer sink;

    @Setup(Level.Trial)
    public void open() throws Exception {
        CallTracer tracer = CallTracer.OFF;
        if (telemetry.equals("METRICS_TRACE_1PCT")) {
            sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            sink.createContext("/api/v2/spans", ex -> {
                ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
                ex.sendResponseHeaders(202, -1);
                ex.close();
            });
            sink.start();
            String url = "http://127.0.0.1:" + sink.getAddress().getPort() + "/api/v2/spans";
            tracing = TraceRuntime.start(new Tracing(0.01, url, null, null, true), SpliceFixture.CALLER, Map.of());
            tracer = tracing.tracer();
        }
        MetricsSettings metrics = new MetricsSettings(!telemetry.equals("OFF"), LatencyBuckets.DAPR,
                MetricsSettings.DEFAULT_MAX_SERIES);
        Http2Headers headers = RequestHeaders.grpcJava(CallBenchmark.HEADERS, SpliceFixture.CALLEE);
        headers.remove("traceparent"); // a root call: the 1 % ratio decides
        f = new SpliceFixture(SpliceFixture.Listener.valueOf(listener), headers, 16, metrics, tracer);
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            f.checkIdle();
        } finally {
            f.close();
            if (tracing != null) {
                tracing.close();
            }
            if (sink != null) {
                sink.stop(0);
            }
        }
    }

    @Benchmark
    public long unaryCall() {
        long bytes = f.request() + f.response();
        f.nextCall();
        return bytes;
    }
}
