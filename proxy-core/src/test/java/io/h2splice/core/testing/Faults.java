package io.h2splice.core.testing;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The test app's {@link TestService#FLAKY} method: a call that fails on purpose, attempt by attempt. A test plans,
 * under a key, what each attempt does ({@link Fault}); the key is the call's {@code x-test-id}, which a retrying
 * proxy replays unchanged, so every attempt of one client call lands under the same key (several client calls may
 * share a key too, as a circuit breaker test does). Attempts past the plan get its {@code then} fault (by default
 * {@link Fault#echo()}).
 *
 * <p>Every attempt is recorded, in arrival order, with each request message's bytes and the {@link ReceivedCall}
 * (so a test sees whether that attempt was cancelled). Responses carry {@code x-attempt: <n>} (1-based) in their
 * headers, or in the trailers of a trailers-only failure, so a client can tell which attempt answered.
 *
 * <p>Thread-safe: attempts arrive on grpc-java's executor, delayed answers run on the app's timer.
 */
public final class Faults {

    public static final Metadata.Key<String> ATTEMPT = Metadata.Key.of("x-attempt", Metadata.ASCII_STRING_MARSHALLER);

    /** The cancellable ancestor of a FLAKY call's context; cancelled as by a deadline, grpc-java resets the stream. */
    private static final Context.Key<Context.CancellableContext> RESETTER = Context.key("h2splice-test-resetter");

    /** One attempt as the app saw it. */
    public static final class Attempt {
        private final int number;
        private final ReceivedCall call;
        private final List<byte[]> messages = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Void> halfClosed = new CompletableFuture<>();
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        Attempt(int number, ReceivedCall call) {
            this.number = number;
            this.call = call;
        }

        /** 1 for the first attempt under the key. */
        public int number() {
            return number;
        }

        /** How the app received it (headers, cancellation); null only when the recorder did not run. */
        public ReceivedCall call() {
            return call;
        }

        /** The request messages received so far, each as sent. */
        public List<byte[]> messages() {
            return List.copyOf(messages);
        }

        /** Every request message received so far, concatenated. */
        public byte[] requestBytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] m : messages) {
                out.writeBytes(m);
            }
            return out.toByteArray();
        }

        /** True once the client's half-close reached the app. */
        public boolean halfClosed() {
            return halfClosed.isDone();
        }

        /** Waits until the whole request reached the app (its half-close). */
        public Attempt awaitHalfClosed(Duration timeout) {
            try {
                halfClosed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return this;
            } catch (TimeoutException e) {
                throw new AssertionError("attempt " + number + " was never half-closed within " + timeout.toMillis()
                        + " ms (" + messages.size() + " message(s) arrived)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
        }

        /** True when the app saw this attempt cancelled (a reset from the sidecar). */
        public boolean isCancelled() {
            return call != null && call.isCancelled();
        }

        @Override
        public String toString() {
            return "attempt " + number + " (" + messages.size() + " message(s), "
                    + (halfClosed() ? "half-closed" : "open") + (isCancelled() ? ", cancelled" : "") + ")";
        }
    }

    private record Plan(List<Fault> perAttempt, Fault then) {
        Fault forAttempt(int number) {
            return number <= perAttempt.size() ? perAttempt.get(number - 1) : then;
        }
    }

    /** Attempts under one key, and a future per attempt number for waiters. */
    private static final class Log {
        final List<Attempt> attempts = new ArrayList<>(); // guarded by this
        final Map<Integer, CompletableFuture<Attempt>> arrivals = new ConcurrentHashMap<>();

        CompletableFuture<Attempt> arrival(int number) {
            return arrivals.computeIfAbsent(number, n -> new CompletableFuture<>());
        }
    }

    private final String app;
    private final ScheduledExecutorService timer;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, Log> logs = new ConcurrentHashMap<>();

    Faults(String app, ScheduledExecutorService timer) {
        this.app = app;
        this.timer = timer;
    }

    // === planning ===

    /** Attempt {@code i} (1-based) under {@code key} does {@code perAttempt[i-1]}; later attempts echo. */
    public Faults plan(String key, Fault... perAttempt) {
        return plan(key, List.of(perAttempt), Fault.echo());
    }

    /** As {@link #plan(String, Fault...)}, with attempts past the list doing {@code then}. */
    public Faults plan(String key, List<Fault> perAttempt, Fault then) {
        plans.put(key, new Plan(List.copyOf(perAttempt), then));
        return this;
    }

    /** The first {@code n} attempts fail with {@code status} (trailers-only); later ones echo. */
    public Faults failFirst(String key, int n, Status status) {
        List<Fault> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f.add(Fault.fail(status));
        }
        return plan(key, f, Fault.echo());
    }

    /** Every attempt does {@code fault}. */
    public Faults always(String key, Fault fault) {
        return plan(key, List.of(), fault);
    }

    // === what happened ===

    /** Every attempt under {@code key} so far, in arrival order. */
    public List<Attempt> attempts(String key) {
        Log log = logs.get(key);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            return List.copyOf(log.attempts);
        }
    }

    /** Waits for attempt {@code number} (1-based) under {@code key}; AssertionError with what arrived on timeout. */
    public Attempt awaitAttempt(String key, int number, Duration timeout) {
        try {
            return log(key).arrival(number).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("app '" + app + "' never received attempt " + number + " under key " + key
                    + " within " + timeout.toMillis() + " ms; it received " + attempts(key));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private Log log(String key) {
        return logs.computeIfAbsent(key, k -> new Log());
    }

    // === the server side ===

    /** Gives FLAKY calls a cancellable context of their own, the handle {@link Fault.Kind#RESET} pulls. */
    ServerStreamTracer.Factory tracerFactory() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                if (!TestService.FLAKY.getFullMethodName().equals(fullMethodName)) {
                    return new ServerStreamTracer() { };
                }
                return new ServerStreamTracer() {
                    @Override
                    public Context filterContext(Context context) {
                        Context.CancellableContext c = context.withCancellation();
                        return c.withValue(RESETTER, c);
                    }
                };
            }
        };
    }

    ServerCallHandler<byte[], byte[]> handler() {
        return this::startCall;
    }

    private ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
        String key = headers.get(ReceivedCall.TEST_ID);
        if (key == null) {
            call.close(Status.FAILED_PRECONDITION.withDescription("FLAKY needs an x-test-id"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        Attempt attempt;
        Log log = log(key);
        synchronized (log) {
            attempt = new Attempt(log.attempts.size() + 1, TestApp.RECEIVED.get());
            log.attempts.add(attempt);
        }
        Plan plan = plans.get(key);
        Fault fault = plan == null ? Fault.echo() : plan.forAttempt(attempt.number);
        Context.CancellableContext resetter = RESETTER.get();
        call.request(Integer.MAX_VALUE);
        log.arrival(attempt.number); // created before completion so that a waiter always finds it
        return new ServerCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                attempt.messages.add(message);
            }

            @Override
            public void onHalfClose() {
                attempt.halfClosed.complete(null);
                log.arrival(attempt.number).complete(attempt);
                act(call, attempt, fault, resetter);
            }

            @Override
            public void onCancel() {
                attempt.over.set(true);
                ScheduledFuture<?> t = attempt.timer;
                if (t != null) {
                    t.cancel(false);
                }
                log.arrival(attempt.number).complete(attempt); // cancelled before its half-close: still arrived
            }
        };
    }

    private void act(ServerCall<byte[], byte[]> call, Attempt attempt, Fault fault, Context.CancellableContext resetter) {
        switch (fault.kind()) {
            case ECHO -> echo(call, attempt);
            case FAIL -> finish(call, attempt, () -> call.close(fault.status(), tagged(attempt)));
            case FAIL_AFTER_HEADERS -> finish(call, attempt, () -> {
                call.sendHeaders(tagged(attempt));
                call.close(fault.status(), new Metadata());
            });
            case FAIL_AFTER_MESSAGE -> finish(call, attempt, () -> {
                call.sendHeaders(tagged(attempt));
                call.sendMessage(attempt.requestBytes());
                call.close(fault.status(), new Metadata());
            });
            case DELAY -> attempt.timer = timer.schedule(() -> echo(call, attempt), fault.delay().toNanos(),
                    TimeUnit.NANOSECONDS);
            case HOLD -> fault.release().thenRunAsync(() -> echo(call, attempt), timer);
            case HANG -> { } // the recorder notes the cancellation
            case RESET -> {
                if (resetter == null) {
                    finish(call, attempt, () -> call.close(Status.INTERNAL.withDescription(
                            "test app: no resetter on this call (tracer factory missing)"), new Metadata()));
                } else {
                    attempt.over.set(true);
                    // grpc-java answers a context cancelled as by a deadline with RST_STREAM(CANCEL).
                    resetter.cancel(new TimeoutException("the test app resets this stream on purpose"));
                }
            }
            case RUN -> timer.execute(fault.hook());
        }
    }

    private static void echo(ServerCall<byte[], byte[]> call, Attempt attempt) {
        finish(call, attempt, () -> {
            call.sendHeaders(tagged(attempt));
            call.sendMessage(attempt.requestBytes());
            call.close(Status.OK, new Metadata());
        });
    }

    /** Runs {@code answer} unless the attempt is already over (cancelled); a call cancelled meanwhile is ignored. */
    private static void finish(ServerCall<byte[], byte[]> call, Attempt attempt, Runnable answer) {
        if (!attempt.over.compareAndSet(false, true) || call.isCancelled()) {
            return;
        }
        try {
            answer.run();
        } catch (IllegalStateException e) {
            // cancelled between the check and the answer
        }
    }

    private static Metadata tagged(Attempt attempt) {
        Metadata md = new Metadata();
        md.put(ATTEMPT, Integer.toString(attempt.number));
        return md;
    }
}
