package io.h2splice.core.splice;

import io.h2splice.core.headers.GrpcTimeout;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.perf.support.Jvm;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The per-call timer of a timeout policy while {@code pending} other calls' timeouts are armed on the same event loop:
 * per op one call starts (its 5 s timeout is armed) and one open call ends (its timeout is cancelled), so
 * {@code pending} timers stay armed. Every call has the same timeout, so the new timer has the latest deadline: it is
 * added as a leaf of Netty's scheduled-task heap and stays there (O(1)). The call that ends is
 * <ul>
 *   <li>{@code ends = OLDEST}: the one that started first (calls of equal length end in the order they started). Its
 *       timer is the heap's root: removing it sifts the last entry down the whole O(log n) height, the worst case;</li>
 *   <li>{@code ends = RANDOM}: any open call (calls of varied length): most heap entries are near the bottom, so the
 *       sift is short on average, but the timer and its heap slot are wherever the cache misses them.</li>
 * </ul>
 * With {@code pending = 0} the call's own timer is armed and cancelled ({@code ends} does not matter).
 * <ul>
 *   <li>{@link #armAndCancel}: Netty alone, {@code EventLoop.schedule} of a no-op task and {@code cancel(false)};</li>
 *   <li>{@link #policyAttempt}: what the engine does per call with a timeout-only policy: a new {@link PolicyRun},
 *       {@link PolicyRun#beginAttempt} (arms) and, for the call that ends, {@link PolicyRun#finish} (cancels).</li>
 * </ul>
 * The loop is an {@link EmbeddedChannel}'s, run on the benchmark thread: it schedules and cancels through the same
 * {@code AbstractScheduledEventExecutor} code (and heap) as the sidecar's I/O loops do on their own thread. No timer
 * fires: nothing runs the loop's tasks.
 *
 * <p>Budgets (perf/budgets.json; median ns/op and B/op, measured in perf/results/2026-11-25-resiliency.md): with
 * {@code pending = 0}, {@link #armAndCancel} 55 ns/op, 70 B/op (measured 36-37 ns, 64 B: the task) and
 * {@link #policyAttempt} 140 ns/op, 140 B/op (measured 93-95 ns, 128 B: the task and the run); with 100,000 pending,
 * {@link #armAndCancel} 520 ns/op OLDEST, 540 ns/op RANDOM (measured 350 and 359 ns) and {@link #policyAttempt}
 * 880 ns/op OLDEST, 1,400 ns/op RANDOM (measured 587 and 914 ns), the same B/op. The 100,000 rows are bound by cache
 * misses and by the collector copying the live timers (a third to half of the time): they vary with the load more
 * than the others (up to 4x seen under load).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class PolicyTimerBenchmark {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Runnable NOTHING = () -> { };
    private static final AsciiString METHOD = AsciiString.of("/helloworld.Greeter/SayHello");

    /** Other calls' timeouts armed on the loop. */
    @Param({"0", "100000"})
    public int pending;

    /** Which open call ends per op. */
    @Param({"OLDEST", "RANDOM"})
    public String ends;

    private EmbeddedChannel channel;
    private EventLoop loop;
    private CallPolicy policy;
    /** The open calls' timers (or runs), oldest at {@code next}; one slot when {@code pending} is 0. */
    private ScheduledFuture<?>[] timers;
    private PolicyRun[] runs;
    private int next;
    private boolean random;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        channel = new EmbeddedChannel();
        loop = channel.eventLoop();
        policy = ResiliencyBenchmark.policies(ResiliencyBenchmark.Policy.TIMEOUT).forTarget(SpliceFixture.CALLEE);
        if (policy.timeoutNanos() != TIMEOUT_NANOS || policy.retry() != null || policy.breakers() != null) {
            throw new IllegalStateException("not a 5 s timeout-only policy: " + policy);
        }
        random = ends.equals("RANDOM");
        int slots = Math.max(1, pending);
        timers = new ScheduledFuture<?>[slots];
        runs = new PolicyRun[slots];
        // The other open calls, of the kind the measured method makes: pending timers in all.
        boolean policyRuns = params.getBenchmark().endsWith(".policyAttempt");
        for (int i = 0; i < pending; i++) {
            if (policyRuns) {
                runs[i] = newRun();
            } else {
                timers[i] = loop.schedule(NOTHING, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        for (int i = 0; i < timers.length; i++) {
            if (timers[i] != null) {
                timers[i].cancel(false);
            }
            if (runs[i] != null) {
                runs[i].finish(GrpcStatus.OK);
            }
        }
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public boolean armAndCancel() {
        ScheduledFuture<?> armed = loop.schedule(NOTHING, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        if (pending == 0) {
            return armed.cancel(false);
        }
        int i = ending();
        boolean cancelled = timers[i].cancel(false);
        timers[i] = armed;
        return cancelled;
    }

    @Benchmark
    public PolicyRun policyAttempt() {
        PolicyRun started = newRun();
        if (pending == 0) {
            started.finish(GrpcStatus.OK);
            return started;
        }
        int i = ending();
        PolicyRun ended = runs[i];
        ended.finish(GrpcStatus.OK);
        runs[i] = started;
        return ended;
    }

    /** The ring slot of the call that ends now: the oldest (the slots go round in start order), or any. */
    private int ending() {
        if (random) {
            return ThreadLocalRandom.current().nextInt(pending);
        }
        int i = next;
        next = i + 1 == pending ? 0 : i + 1;
        return i;
    }

    /** A call's run with its timeout armed. Its splice is never called: the timer never fires here. */
    private PolicyRun newRun() {
        PolicyRun run = new PolicyRun(policy, null, loop, false, System.nanoTime());
        if (run.beginAttempt(METHOD, GrpcTimeout.NONE) != null) {
            throw new IllegalStateException("a timeout-only policy refused an attempt");
        }
        return run;
    }
}
