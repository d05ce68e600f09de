package io.h2splice.core.splice;

import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.headers.GrpcTimeout;
import io.h2splice.core.metrics.MetricsSettings;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.CircuitBreaker;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.core.trace.CallTracer;
import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.RequestHeaders;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a Dapr resiliency policy costs a whole unary call on the caller's sidecar (API listener), the same call as
 * {@link CallBenchmark#unaryCall} {@code listener=API}, with the target {@code server} under:
 * <ul>
 *   <li>{@code NONE}: no resource loaded (the call runs as in {@link CallBenchmark});</li>
 *   <li>{@code TIMEOUT}: a 5 s timeout, armed on the call's loop and cancelled when it ends; the attempt's deadline
 *       also goes upstream as {@code grpc-timeout} (the client here sends none);</li>
 *   <li>{@code RETRY_BREAKER}: a constant 5 s retry, at most 3, of UNAVAILABLE (14) only, and a circuit breaker with
 *       gobreaker's defaults: the breaker of (server, :path) is asked and told, the response HEADERS are held until
 *       the first DATA (the call may still be retried);</li>
 *   <li>{@code ALL}: the timeout, the retry and the breaker together.</li>
 * </ul>
 * No attempt fails, so the timer never fires and nothing is retried (checked at the end): this is the price of
 * having the policy, paid by every call. Setup checks that each part of the policy ran on the fixture's two calls.
 *
 * <p>Budgets (perf/budgets.json; median ns/op and B/op, measured in perf/results/2026-11-25-resiliency.md):
 * <ul>
 *   <li>{@link #unaryCall} ({@code gc.alloc.rate.norm}): NONE 10,200 ns/op, 5,300 B/op (measured 6,822 ns; 4,824 B,
 *       as {@code CallBenchmark.unaryCall} API); TIMEOUT 11,700 ns/op, 5,550 B/op (measured 7,808 ns; 5,040 B);
 *       RETRY_BREAKER 9,700 ns/op, 5,450 B/op (measured 6,471 ns; 4,912 B, 4,888-4,960 B seen); ALL 11,000 ns/op,
 *       5,600 B/op (measured 7,308 ns; 5,112 B). The time differences between the policies are inside the run-to-run
 *       noise; the B/op ones are not: 216 B for a timeout (the {@link PolicyRun}, its scheduled task, and the
 *       {@code grpc-timeout} sent upstream: its {@code String} and its entry in the request headers), 64 B for retry
 *       + breaker (the run alone).</li>
 *   <li>{@link #policyRun}: NONE 2 ns/op, 0 B/op (measured 0.8 ns); TIMEOUT 170 ns/op, 140 B/op (measured 111 ns,
 *       128 B); RETRY_BREAKER 170 ns/op, 70 B/op (measured 114 ns, 64 B); ALL 220 ns/op, 140 B/op (measured 146 ns,
 *       128 B).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class ResiliencyBenchmark {

    /** The policy parts of the target. */
    public enum Policy {
        NONE(false, false), TIMEOUT(true, false), RETRY_BREAKER(false, true), ALL(true, true);

        final boolean timeout;
        final boolean retryAndBreaker;

        Policy(boolean timeout, boolean retryAndBreaker) {
            this.timeout = timeout;
            this.retryAndBreaker = retryAndBreaker;
        }
    }

    @Param({"NONE", "TIMEOUT", "RETRY_BREAKER", "ALL"})
    public String policy;

    /** The call's {@code :path} as HPACK hands it over for a warm call: one {@link AsciiString}, its hash cached. */
    private static final AsciiString METHOD = AsciiString.of("/helloworld.Greeter/SayHello");

    private SpliceFixture f;
    private ResiliencyPolicies policies;
    private CallPolicy callPolicy;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Policy p = Policy.valueOf(policy);
        policies = policies(p);
        f = new SpliceFixture(SpliceFixture.Listener.API, RequestHeaders.grpcJava(CallBenchmark.HEADERS,
                SpliceFixture.CALLEE), 16, MetricsSettings.defaults(), CallTracer.OFF, policies);
        CallPolicy cp = policies.forTarget(SpliceFixture.CALLEE); // the one the cached route holds
        callPolicy = cp;
        check(cp.executedCount(CallPolicy.Kind.TIMEOUT) == (p.timeout ? 2 : 0), "timeout", cp);
        check(cp.executedCount(CallPolicy.Kind.RETRY) == (p.retryAndBreaker ? 2 : 0), "retry", cp);
        check(cp.executedCount(CallPolicy.Kind.CIRCUIT_BREAKER) == (p.retryAndBreaker ? 2 : 0), "breaker", cp);
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            f.checkIdle();
            CallPolicy cp = policies.forTarget(SpliceFixture.CALLEE);
            for (CallPolicy.Kind k : CallPolicy.Kind.values()) {
                check(cp.activatedCount(k) == 0, k.label + " acted", cp);
            }
            if (cp.breakers() != null) {
                CircuitBreaker b = cp.breakers().peek(SpliceFixture.CALLEE, "/helloworld.Greeter/SayHello");
                check(b != null && b.state() == CircuitBreaker.State.CLOSED, "breaker not closed", cp);
            }
        } finally {
            f.close();
        }
    }

    @Benchmark
    public long unaryCall() {
        long bytes = f.request() + f.response();
        f.nextCall();
        return bytes;
    }

    /**
     * The policy's own part of a call, alone: what {@link Call} does with the route's policy for a call whose one
     * attempt succeeds (a {@link PolicyRun}, {@link PolicyRun#beginAttempt}, {@link PolicyRun#finish}), on the
     * fixture's loop. {@code NONE} makes no run, as {@code Call.start} does not. Not included: the
     * {@code grpc-timeout} header sent upstream under a timeout, and holding the response HEADERS.
     */
    @Benchmark
    public PolicyRun policyRun() {
        if (callPolicy.isNone()) {
            return null;
        }
        PolicyRun run = new PolicyRun(callPolicy, null, f.down.eventLoop(), false, System.nanoTime());
        if (run.beginAttempt(METHOD, GrpcTimeout.NONE) != null) {
            throw new IllegalStateException("attempt refused by " + callPolicy);
        }
        run.finish(GrpcStatus.OK);
        return run;
    }

    /** One resource giving {@code server} the parts {@code p} names; {@link ResiliencyPolicies#NONE} for none. */
    static ResiliencyPolicies policies(Policy p) {
        if (p == Policy.NONE) {
            return ResiliencyPolicies.NONE;
        }
        RetryPolicy d = RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT); // constant 5 s
        RetryPolicy retry = new RetryPolicy(d.policy(), d.duration(), d.initialInterval(), d.randomizationFactor(),
                d.multiplier(), d.maxInterval(), d.maxElapsedTime(), 3, Set.of(14), Set.of());
        Resiliency r = new Resiliency("bench", List.of(),
                p.timeout ? Map.of("fiveSeconds", Duration.ofSeconds(5)) : Map.of(),
                p.retryAndBreaker ? Map.of("unavailableThrice", retry) : Map.of(),
                p.retryAndBreaker ? Map.of("defaultBreaker", CircuitBreakerPolicy.defaults()) : Map.of(),
                Map.of(SpliceFixture.CALLEE, new AppTarget(p.timeout ? "fiveSeconds" : null,
                        p.retryAndBreaker ? "unavailableThrice" : null, p.retryAndBreaker ? "defaultBreaker" : null,
                        AppTarget.DEFAULT_CIRCUIT_BREAKER_CACHE_SIZE)));
        return new ResiliencyPolicies(List.of(r), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
    }

    private static void check(boolean ok, String what, CallPolicy cp) {
        if (!ok) {
            throw new IllegalStateException("policy check failed (" + what + "): " + cp + ", executed "
                    + cp.executedCount(CallPolicy.Kind.TIMEOUT) + "/" + cp.executedCount(CallPolicy.Kind.RETRY) + "/"
                    + cp.executedCount(CallPolicy.Kind.CIRCUIT_BREAKER));
        }
    }
}
