package io.h2splice.core.trace;

import io.h2splice.core.headers.HeaderNames;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link W3cTracer#start} on a decoded grpc-java request header set (20 headers, {@link RequestHeaders#grpcJava}:
 * with {@code tracestate} and application metadata), per kind of incoming context:
 *
 * <ul>
 *   <li>{@code UNSAMPLED_PARENT}: {@code traceparent} with flags 00: parsed, not sampled.</li>
 *   <li>{@code UNSAMPLED_BIN}: {@code grpc-trace-bin} with options 0, read first from its base64 text.</li>
 *   <li>{@code ROOT_NOT_DRAWN}: no context; the ratio draw says no (rate 1e-12, so every op is unsampled).</li>
 *   <li>{@code SAMPLED_PROPAGATE}: a sampled parent, no exporter: a new span id and {@code traceparent}.</li>
 *   <li>{@code SAMPLED_RECORDED}: a sampled parent with an exporter queue: the span is also recorded with its
 *       attributes and ended (into a full queue, so it is dropped and counted: no consumer runs here).</li>
 * </ul>
 *
 * <p>Budgets (perf/budgets.json), with the figures measured on 2026-11-25 (median ns/op, B/op): the unsampled cases
 * allocate nothing, the contract of {@link CallTracer}: UNSAMPLED_PARENT 75 ns/op, 0 B/op (measured 49 ns);
 * UNSAMPLED_BIN 120 ns/op, 0 B/op (81 ns: all 39 base64 characters are checked); ROOT_NOT_DRAWN 10 ns/op, 0 B/op
 * (5.7 ns); SAMPLED_PROPAGATE 430 ns/op, 160 B/op (286 ns, 144 B: the new traceparent); SAMPLED_RECORDED
 * 950 ns/op, 380 B/op (633 ns, 344 B: the span, its attributes, the method name).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class W3cTracerBenchmark {

    public enum Context { UNSAMPLED_PARENT, UNSAMPLED_BIN, ROOT_NOT_DRAWN, SAMPLED_PROPAGATE, SAMPLED_RECORDED }

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Param
    public Context context;

    private W3cTracer tracer;
    private Http2Headers headers;

    @Setup(Level.Trial)
    public void setUp() {
        headers = RequestHeaders.grpcJava(RequestHeaders.MAX, "server");
        headers.remove(HeaderNames.TRACEPARENT);
        headers.set("dapr-caller-app-id", "client");
        headers.set("dapr-caller-namespace", "default");
        switch (context) {
            case UNSAMPLED_PARENT -> {
                headers.set(HeaderNames.TRACEPARENT, "00-" + TRACE + "-00f067aa0ba902b7-00");
                tracer = new W3cTracer(1.0, new SpanQueue(16));
            }
            case UNSAMPLED_BIN -> {
                headers.set(HeaderNames.GRPC_TRACE_BIN, GrpcTraceBin.format(1, 2, 3, 0));
                tracer = new W3cTracer(1.0, new SpanQueue(16));
            }
            case ROOT_NOT_DRAWN -> tracer = new W3cTracer(1e-12, new SpanQueue(16));
            case SAMPLED_PROPAGATE -> {
                headers.set(HeaderNames.TRACEPARENT, "00-" + TRACE + "-00f067aa0ba902b7-01");
                tracer = new W3cTracer(0.0001, null);
            }
            case SAMPLED_RECORDED -> {
                headers.set(HeaderNames.TRACEPARENT, "00-" + TRACE + "-00f067aa0ba902b7-01");
                SpanQueue full = new SpanQueue(2);
                tracer = new W3cTracer(0.0001, full);
                while (full.size() < full.capacity()) {
                    tracer.start(headers, false).end(0, null);
                }
            }
            default -> throw new IllegalStateException(context.toString());
        }
        // Every op must see the same context: unsampled ones leave the headers alone, sampled ones rewrite
        // traceparent with a new (still sampled) span of the same trace.
        CharSequence before = headers.get(HeaderNames.TRACEPARENT);
        int size = headers.size();
        TracedCall first = tracer.start(headers, false);
        CharSequence after = headers.get(HeaderNames.TRACEPARENT);
        boolean ok = switch (context) {
            case UNSAMPLED_PARENT, UNSAMPLED_BIN, ROOT_NOT_DRAWN -> first == null && before == after
                    && size == headers.size();
            case SAMPLED_PROPAGATE -> first == null && after != before && TraceParent.flags(after) == 1;
            case SAMPLED_RECORDED -> first != null && TraceParent.flags(after) == 1;
        };
        if (!ok) {
            throw new IllegalStateException(context + ": the fixture does not do what it says");
        }
        if (first != null) {
            first.end(0, null);
        }
    }

    @Benchmark
    public Object start() {
        TracedCall call = tracer.start(headers, false);
        if (call != null) {
            call.end(0, null);
        }
        return call;
    }
}
