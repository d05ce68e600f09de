package io.h2splice.cli.e2e;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Every call a fault test starts, each with a deadline and its own {@code x-test-id}, and how it ended. Checked
 * against the ids the app saw arrive: a call that failed without reaching the app must have failed with a status a
 * client may safely retry on (UNAVAILABLE), and no call may still be open after its deadline (a hang).
 */
final class CallLedger {

    /** One call: what it was, when it started and ended ({@link System#nanoTime}), and how. */
    static final class Entry {
        final String id;
        final String kind;
        final long startNanos;
        final RecordingCall call;
        private volatile long endNanos;
        /** The call's end, completed once {@link #endNanos} is set. */
        private final CompletableFuture<CallResult> ended;

        Entry(String id, String kind, long startNanos, RecordingCall call) {
            this.id = id;
            this.kind = kind;
            this.startNanos = startNanos;
            this.call = call;
            this.ended = call.future().whenComplete((r, t) -> endNanos = System.nanoTime());
        }

        /** The result of an ended call, else null. */
        CallResult result() {
            return ended.getNow(null);
        }

        Status status() {
            return result().status();
        }

        /** How long the call took, in milliseconds; only for an ended call. */
        long tookMillis() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
        }

        /** The call's {@link #result}, waited for at most {@code bound}: AssertionError on a hang. */
        CallResult await(Duration bound) {
            call.await(bound);
            return ended.join();
        }
    }

    private final Channel channel;
    private final String appId;
    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

    /** Calls on {@code channel} (a sidecar's API port), routed with {@code dapr-app-id: appId}. */
    CallLedger(Channel channel, String appId) {
        this.channel = channel;
        this.appId = appId;
    }

    /** Starts a call of {@code method} with {@code deadline}, sends {@code requests} and half-closes. */
    Entry start(String kind, MethodDescriptor<byte[], byte[]> method, Duration deadline, byte[]... requests) {
        Entry e = open(kind, method, deadline);
        for (byte[] r : requests) {
            e.call.send(r);
        }
        e.call.halfClose();
        return e;
    }

    /** Starts a call of {@code method} with {@code deadline}; the test sends on it and half-closes it. */
    Entry open(String kind, MethodDescriptor<byte[], byte[]> method, Duration deadline) {
        io.grpc.Metadata md = GrpcCalls.routedTo(appId);
        String id = md.get(ReceivedCall.TEST_ID);
        RecordingCall call = GrpcCalls.start(channel, method,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), md);
        Entry e = new Entry(id, kind, System.nanoTime(), call);
        entries.add(e);
        return e;
    }

    /** A unary Echo with {@code deadline}. */
    Entry echo(String kind, Duration deadline) {
        return start(kind, TestService.ECHO, deadline, kind.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Starts an Echo every {@code 1/perSecond} s on a thread of its own until {@link Load#stop}; each call has
     * {@code deadline}.
     */
    Load load(String kind, int perSecond, Duration deadline) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = new Thread(() -> {
            long interval = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            while (!stop.get()) {
                echo(kind, deadline);
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }, "ledger-load-" + kind);
        t.setDaemon(true);
        t.start();
        return new Load(stop, t);
    }

    /** A running {@link #load}. */
    record Load(AtomicBoolean stopped, Thread thread) {
        /** Starts no more calls; returns once the last one has been started. */
        void stop() throws InterruptedException {
            stopped.set(true);
            thread.join(10_000);
        }
    }

    List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    List<Entry> entries(Predicate<Entry> which) {
        return entries.stream().filter(which).toList();
    }

    /** Waits for every call to end, at most {@code bound} (longer than any deadline given): none may hang. */
    void awaitAllEnded(Duration bound) {
        long until = System.nanoTime() + bound.toNanos();
        for (Entry e : entries) {
            e.await(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
        }
    }

    /**
     * Every call ended (the caller waited: {@link #awaitAllEnded}), and each that failed without reaching the app
     * (its id not in {@code arrived}, read after the calls ended) failed with one of {@code notArrived}; calls that
     * reached the app may end any way the test checks elsewhere.
     */
    void assertNoneLost(Set<String> arrived, Set<Status.Code> notArrived) {
        if (entries.stream().anyMatch(e -> e.result() == null)) {
            throw new AssertionError("calls are still open: " + summary());
        }
        List<String> lost = new ArrayList<>();
        for (Entry e : entries) {
            Status s = e.status();
            if (!s.isOk() && !arrived.contains(e.id) && !notArrived.contains(s.getCode())) {
                lost.add(e.kind + " " + GrpcCalls.describe(s));
            }
            if (s.isOk() && !arrived.contains(e.id)) {
                lost.add(e.kind + " succeeded but the app has no record of it (the test's bookkeeping is wrong)");
            }
        }
        if (!lost.isEmpty()) {
            throw new AssertionError(lost.size() + " call(s) failed without reaching the app with a status other than "
                    + notArrived + ": " + lost.subList(0, Math.min(10, lost.size())) + "; all: " + summary());
        }
    }

    /** {@code kind: CODE 'message' ×n, …} for failure messages and the test's output. */
    String summary() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Entry e : entries) {
            CallResult r = e.result();
            String end = r == null ? "still open" : r.status().isOk() ? "OK" : GrpcCalls.describe(r.status());
            counts.merge(e.kind + ": " + end, 1, Integer::sum);
        }
        return counts.toString();
    }
}
