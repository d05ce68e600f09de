package io.h2splice.core.outbound;

import io.h2splice.core.headers.HeaderNames;
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
 * The API listener's routing decision alone: {@link OutboundRouter#route} on a decoded request header set
 * ({@link RequestHeaders#grpcJava}, {@code headers} entries, a {@code -bin} one included): read the routing key,
 * split {@code app[.namespace]}, decide local or remote, rewrite the headers for the next hop.
 *
 * <p>Each op re-adds {@code dapr-app-id} (removed by the rewrite), one {@code DefaultHeaders} entry of the B/op.
 * {@code target} {@code server} is another app in our namespace, {@code server.production} one in another namespace.
 *
 * <p>Budgets (perf/budgets.json): 300 ns/op, 176 B/op (measured 155 ns, 160 B: the re-add and the rewrite's three
 * {@code set}s; the route itself is cached per routing key).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class OutboundRouterBenchmark {

    @Param({"10", "20"})
    public int headers;

    @Param({"server", "server.production"})
    public String target;

    private final OutboundRouter router = OutboundRouter.builder("client", "default").build();
    private Http2Headers h;
    private AsciiString appId;

    @Setup(Level.Trial)
    public void setUp() {
        h = RequestHeaders.grpcJava(headers, target);
        appId = AsciiString.of(target);
        if (router.route(h, null).kind() != Route.Kind.REMOTE) {
            throw new IllegalStateException("not routed to a remote sidecar");
        }
        h.remove(HeaderNames.DAPR_CALLEE_APP_ID); // as the client sent it: routed by dapr-app-id
    }

    @Benchmark
    public Route route() {
        h.add(HeaderNames.DAPR_APP_ID, appId);
        return router.route(h, null);
    }
}
