package io.h2splice.core.headers;

import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.handler.codec.http2.Http2Headers;
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
 * The per-hop header rewrites alone ({@link HopHeaders}) on a decoded request header set of {@code headers} entries
 * ({@link RequestHeaders#grpcJava}: the grpc-java set, {@code dapr-app-id}, a {@code -bin} entry, tracing and
 * application metadata).
 *
 * <p>{@link #toRemoteSidecar} re-adds {@code dapr-app-id} first (the header the rewrite removes), so every op
 * rewrites the set as it arrives from the client; that {@code add} is one {@code DefaultHeaders} entry of the B/op.
 *
 * <p>Budgets (perf/budgets.json): {@link #toRemoteSidecar} 250 ns/op, 176 B/op (measured 156 ns, 160 B: the re-add
 * and the three {@code set}s, each a new entry); {@link #toApp} 10 ns/op, 0 B/op (measured 3.6 ns).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class HopHeadersBenchmark {

    private static final AsciiString CALLEE = AsciiString.of("server");
    private static final AsciiString CALLER = AsciiString.of("client");
    private static final AsciiString NS = AsciiString.of("default");

    /** Request headers in total, pseudo-headers included. */
    @Param({"10", "20"})
    public int headers;

    private Http2Headers h;
    private Http2Headers internal;

    @Setup(Level.Trial)
    public void setUp() {
        h = RequestHeaders.grpcJava(headers, "server");
        internal = RequestHeaders.grpcJava(headers, "server");
        HopHeaders.toRemoteSidecar(internal, CALLEE, CALLER, NS);
    }

    /** Sidecar A: drop {@code dapr-app-id} and the token, stamp callee, caller, caller namespace. */
    @Benchmark
    public Http2Headers toRemoteSidecar() {
        h.add(HeaderNames.DAPR_APP_ID, CALLEE);
        HopHeaders.toRemoteSidecar(h, CALLEE, CALLER, NS);
        return h;
    }

    /** Sidecar B: drop {@code dapr-app-id} and the token (absent here, as after sidecar A). */
    @Benchmark
    public Http2Headers toApp() {
        HopHeaders.toApp(internal, null, null, null);
        return internal;
    }
}
