package io.h2splice.core.resiliency;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One circuit breaker, with sony/gobreaker's state machine as Dapr configures it.
 *
 * <ul>
 *   <li>CLOSED: every call is admitted. A failure for which {@code trip} is true opens the
 *       breaker. With {@code interval > 0} the counts start again every {@code interval}
 *       (a new generation); {@code interval == 0} never resets them.</li>
 *   <li>OPEN: every call is refused ({@link #REJECTED_OPEN}, Dapr's {@code circuit breaker is
 *       open}) until {@code timeout} has passed, then HALF_OPEN.</li>
 *   <li>HALF_OPEN: at most {@code maxRequests} calls are admitted; more are refused
 *       ({@link #REJECTED_TOO_MANY}, gobreaker's {@code too many requests}). One failure opens
 *       the breaker again; {@code maxRequests} consecutive successes close it.</li>
 * </ul>
 *
 * <p><b>Call protocol (allocation-free).</b> Instead of a {@code boolean} plus a separate
 * token, {@link #tryAcquire} returns the token itself: a generation number {@code >= 0} when
 * the call is admitted, or a negative rejection code. The caller keeps that {@code long} with
 * the call and reports the outcome with {@link #onSuccess}/{@link #onFailure}. A result
 * whose generation is no longer current (the breaker changed state or the closed interval
 * rolled over since admission) is ignored, exactly like gobreaker's {@code afterRequest}.
 * Refused calls report nothing. Time is always passed in ({@code System.nanoTime()}-style
 * values; only differences are used), so the breaker never reads a clock.
 *
 * <p><b>Thread-safety.</b> One breaker per (target app, method) is shared by all event loops.
 * The state of one generation lives in an immutable-header {@link Window} whose counters are
 * updated with atomics; the current window is replaced, under this breaker's lock, on every
 * state change or interval rollover. So the call path in any state is a volatile read plus
 * one or two atomic operations and no lock; only a transition (rare) locks and allocates a
 * new {@code Window}. Differences from
 * gobreaker's mutex: the consecutive counters are exact (one signed streak word updated by
 * CAS, and the tripping failure evaluates {@code trip} with the streak value it produced
 * itself), but {@code requests}/{@code totalSuccesses}/{@code totalFailures} read by a
 * {@code trip} are each a value the counter really had in this generation, not one atomic
 * snapshot of all five. A call admitted concurrently with a transition belongs to the old
 * generation and its result is ignored, which is one of gobreaker's possible orderings.
 * Exactly one thread makes each transition and calls the listener, under the lock, so
 * callbacks arrive in the order the transitions happened.
 */
public final class CircuitBreaker {

    /** gobreaker's states; {@link #label()} is gobreaker's {@code State.String()}. */
    public enum State {
        CLOSED("closed"), HALF_OPEN("half-open"), OPEN("open");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Notified once per state change, in order, on the thread that made it, under the breaker's lock. Must not throw or block. */
    @FunctionalInterface
    public interface Listener {
        void onStateChange(String name, State from, State to);

        Listener NONE = (name, from, to) -> { };
    }

    /** {@link #tryAcquire} result: the breaker is open (gRPC UNAVAILABLE {@code circuit breaker is open}). */
    public static final long REJECTED_OPEN = -1;
    /** {@link #tryAcquire} result: half-open and all {@code maxRequests} probes are out ({@code too many requests}). */
    public static final long REJECTED_TOO_MANY = -2;

    /** gobreaker's default when {@code timeout <= 0}. */
    static final long DEFAULT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String name;
    private final long maxRequests;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final TripExpression trip;
    private final Listener listener;

    /** The current generation; written only under {@code this} lock, read without it. */
    private volatile Window window;

    /**
     * @param maxRequests   half-open probes; {@code 0} means 1 (gobreaker)
     * @param intervalNanos closed-state count reset period; {@code <= 0} never resets
     * @param timeoutNanos  open → half-open delay; {@code <= 0} means 60 s (gobreaker)
     * @param nowNanos      the current time, to start the first closed interval
     */
    public CircuitBreaker(String name, long maxRequests, long intervalNanos, long timeoutNanos,
                          TripExpression trip, Listener listener, long nowNanos) {
        if (maxRequests < 0) {
            throw new IllegalArgumentException("maxRequests must not be negative: " + maxRequests);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxRequests = maxRequests == 0 ? 1 : maxRequests;
        this.intervalNanos = Math.max(0, intervalNanos);
        this.timeoutNanos = timeoutNanos <= 0 ? DEFAULT_TIMEOUT_NANOS : timeoutNanos;
        this.trip = Objects.requireNonNull(trip, "trip");
        this.listener = listener == null ? Listener.NONE : listener;
        this.window = newWindow(State.CLOSED, 0, nowNanos);
    }

    public String name() {
        return name;
    }

    /** True if a {@link #tryAcquire} result means the call may proceed. */
    public static boolean admitted(long token) {
        return token >= 0;
    }

    /**
     * Asks to start a call at {@code nowNanos}. Returns the generation token ({@code >= 0}) to
     * pass to {@link #onSuccess}/{@link #onFailure}, or {@link #REJECTED_OPEN} /
     * {@link #REJECTED_TOO_MANY}.
     */
    public long tryAcquire(long nowNanos) {
        while (true) {
            Window w = current(nowNanos);
            switch (w.state) {
                case CLOSED:
                    Window.REQUESTS.getAndAdd(w, 1L);
                    return w.generation;
                case HALF_OPEN:
                    long r = w.requests;
                    if (r >= maxRequests) {
                        return REJECTED_TOO_MANY;
                    }
                    if (Window.REQUESTS.compareAndSet(w, r, r + 1)) {
                        return w.generation;
                    }
                    continue; // another probe raced us; look again
                default:
                    return REJECTED_OPEN;
            }
        }
    }

    /** Reports that an admitted call succeeded. Stale or negative tokens are ignored. */
    public void onSuccess(long nowNanos, long token) {
        Window w = current(nowNanos);
        if (w.generation != token || w.state == State.OPEN) {
            return;
        }
        Window.TOTAL_SUCCESSES.getAndAdd(w, 1L);
        long streak;
        while (true) {
            long s = w.streak;
            streak = s > 0 ? s + 1 : 1;
            if (Window.STREAK.compareAndSet(w, s, streak)) {
                break;
            }
        }
        if (w.state == State.HALF_OPEN && streak >= maxRequests) {
            transition(w, State.CLOSED, nowNanos);
        }
    }

    /** Reports that an admitted call failed (any non-OK outcome). Stale or negative tokens are ignored. */
    public void onFailure(long nowNanos, long token) {
        Window w = current(nowNanos);
        if (w.generation != token) {
            return;
        }
        if (w.state == State.HALF_OPEN) {
            transition(w, State.OPEN, nowNanos);
            return;
        }
        if (w.state != State.CLOSED) {
            return;
        }
        long totalFailures = (long) Window.TOTAL_FAILURES.getAndAdd(w, 1L) + 1;
        long streak;
        while (true) {
            long s = w.streak;
            streak = s < 0 ? s - 1 : -1;
            if (Window.STREAK.compareAndSet(w, s, streak)) {
                break;
            }
        }
        if (trip.test(w.requests, w.totalSuccesses, totalFailures, 0, -streak)) {
            transition(w, State.OPEN, nowNanos);
        }
    }

    /** The state as last recorded (for the {@code dapr_resiliency_cb_state} gauge); no time-based move. */
    public State state() {
        return window.state;
    }

    /** The state at {@code nowNanos}, first applying any due open→half-open move or interval reset. */
    public State state(long nowNanos) {
        return current(nowNanos).state;
    }

    // package-private views of the current generation's counts, for tests

    long requests() {
        return window.requests;
    }

    long totalSuccesses() {
        return window.totalSuccesses;
    }

    long totalFailures() {
        return window.totalFailures;
    }

    long consecutiveSuccesses() {
        return Math.max(0, window.streak);
    }

    long consecutiveFailures() {
        return Math.max(0, -window.streak);
    }

    long generation() {
        return window.generation;
    }

    // ---- internals ---------------------------------------------------------------------------

    private Window current(long now) {
        Window w = window;
        if (w.state == State.CLOSED) {
            if (w.expires && now - w.expiry > 0) {
                return transition(w, State.CLOSED, now);
            }
        } else if (w.state == State.OPEN) {
            if (now - w.expiry > 0) {
                return transition(w, State.HALF_OPEN, now);
            }
        }
        return w;
    }

    /**
     * gobreaker's setState/toNewGeneration: replaces {@code from} with a fresh window if it is
     * still current. Transitions are rare, so they take this breaker's lock: the listener is
     * called under it (as gobreaker does under its mutex), which keeps notifications in
     * generation order. Readers never take the lock.
     */
    private Window transition(Window from, State to, long now) {
        synchronized (this) {
            Window w = window;
            if (w != from) {
                return w;
            }
            Window next = newWindow(to, from.generation + 1, now);
            window = next;
            if (from.state != to) {
                listener.onStateChange(name, from.state, to);
            }
            return next;
        }
    }

    private Window newWindow(State state, long generation, long now) {
        switch (state) {
            case CLOSED:
                return intervalNanos == 0
                        ? new Window(state, generation, false, 0)
                        : new Window(state, generation, true, now + intervalNanos);
            case OPEN:
                return new Window(state, generation, true, now + timeoutNanos);
            default:
                return new Window(state, generation, false, 0);
        }
    }

    /** One generation: fixed state and expiry, live counts. */
    static final class Window {
        static final VarHandle REQUESTS;
        static final VarHandle TOTAL_SUCCESSES;
        static final VarHandle TOTAL_FAILURES;
        static final VarHandle STREAK;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                REQUESTS = l.findVarHandle(Window.class, "requests", long.class);
                TOTAL_SUCCESSES = l.findVarHandle(Window.class, "totalSuccesses", long.class);
                TOTAL_FAILURES = l.findVarHandle(Window.class, "totalFailures", long.class);
                STREAK = l.findVarHandle(Window.class, "streak", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final State state;
        final long generation;
        final boolean expires;
        final long expiry;
        volatile long requests;
        volatile long totalSuccesses;
        volatile long totalFailures;
        /** {@code > 0}: consecutive successes; {@code < 0}: minus consecutive failures. */
        volatile long streak;

        Window(State state, long generation, boolean expires, long expiry) {
            this.state = state;
            this.generation = generation;
            this.expires = expires;
            this.expiry = expiry;
        }
    }
}
