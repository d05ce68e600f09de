package io.h2splice.core.inbound;

import io.h2splice.core.headers.HopHeaders;
import io.h2splice.core.routing.Route;
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
 * The internal listener's routing decision alone: {@link InboundRouter#route} on the header set sidecar A sends
 * (the {@link RequestHeaders#grpcJava} set after {@link HopHeaders#toRemoteSidecar}): method check, routing key,
 * own-app check, rewrite for the app. Plaintext hop (no verified peer).
 *
 * <p>Budgets (perf/budgets.json): 75 ns/op, 0 B/op (measured 33-45 ns; the route is cached per routing key).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class InboundRouterBenchmark {

    @Param({"10", "20"})
    public int headers;

    private final InboundRouter router = InboundRouter.builder("server", "default").build();
    private Http2Headers h;

    @Setup(Level.Trial)
    public void setUp() {
        h = RequestHeaders.grpcJava(headers, "server");
        HopHeaders.toRemoteSidecar(h, AsciiString.of("server"), AsciiString.of("client"), AsciiString.of("default"));
        if (router.route(h, null).kind() != Route.Kind.LOCAL_APP) {
            throw new IllegalStateException("not routed to the local app");
        }
    }

    @Benchmark
    public Route route() {
        return router.route(h, null);
    }
}
