package io.h2splice.core.resiliency;

import static io.h2splice.core.resiliency.CircuitBreaker.REJECTED_OPEN;
import static io.h2splice.core.resiliency.CircuitBreaker.REJECTED_TOO_MANY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.resiliency.CircuitBreaker.State;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final long SEC = TimeUnit.SECONDS.toNanos(1);
    /** A start far from zero and negative, to catch comparisons that are not overflow-safe. */
    private static final long T0 = Long.MAX_VALUE - 30 * SEC;

    private final List<String> changes = new ArrayList<>();

    private CircuitBreaker breaker(long maxRequests, long interval, long timeout, String trip) {
        return new CircuitBreaker("simpleCB", maxRequests, interval, timeout, TripExpression.parse(trip),
                (name, from, to) -> changes.add(name + ":" + from + "->" + to), T0);
    }

    private static void fail(CircuitBreaker cb, long now, int n) {
        for (int i = 0; i < n; i++) {
            long t = cb.tryAcquire(now);
            assertTrue(CircuitBreaker.admitted(t), "admitted");
            cb.onFailure(now, t);
        }
    }

    private static void succeed(CircuitBreaker cb, long now, int n) {
        for (int i = 0; i < n; i++) {
            long t = cb.tryAcquire(now);
            assertTrue(CircuitBreaker.admitted(t), "admitted");
            cb.onSuccess(now, t);
        }
    }

    @Test
    void tripsAfterConfiguredConsecutiveFailuresAndFailsFastWhileOpen() {
        CircuitBreaker cb = breaker(1, 0, 45 * SEC, "consecutiveFailures > 3");
        fail(cb, T0, 3);
        assertEquals(State.CLOSED, cb.state());
        assertEquals(3, cb.consecutiveFailures());
        succeed(cb, T0, 1); // a success breaks the streak
        assertEquals(0, cb.consecutiveFailures());
        assertEquals(1, cb.consecutiveSuccesses());
        fail(cb, T0, 4);
        assertEquals(State.OPEN, cb.state());
        assertEquals(List.of("simpleCB:CLOSED->OPEN"), changes);
        assertEquals(REJECTED_OPEN, cb.tryAcquire(T0 + SEC));
        assertEquals(REJECTED_OPEN, cb.tryAcquire(T0 + 45 * SEC)); // gobreaker: strictly after expiry
        assertEquals(State.OPEN, cb.state(T0 + 45 * SEC));
        assertEquals(State.HALF_OPEN, cb.state(T0 + 45 * SEC + 1));
        assertEquals(List.of("simpleCB:CLOSED->OPEN", "simpleCB:OPEN->HALF_OPEN"), changes);
    }

    @Test
    void halfOpenAdmitsExactlyMaxRequestsAndClosesAfterThatManySuccesses() {
        CircuitBreaker cb = breaker(3, 0, 10 * SEC, "consecutiveFailures >= 1");
        fail(cb, T0, 1);
        long t = T0 + 11 * SEC;
        long a = cb.tryAcquire(t);
        long b = cb.tryAcquire(t);
        long c = cb.tryAcquire(t);
        assertTrue(a >= 0 && b >= 0 && c >= 0);
        assertEquals(State.HALF_OPEN, cb.state());
        assertEquals(REJECTED_TOO_MANY, cb.tryAcquire(t));
        cb.onSuccess(t, a);
        cb.onSuccess(t, b);
        assertEquals(State.HALF_OPEN, cb.state());
        assertEquals(REJECTED_TOO_MANY, cb.tryAcquire(t)); // successes don't free probe slots
        cb.onSuccess(t, c);
        assertEquals(State.CLOSED, cb.state());
        assertEquals(0, cb.requests()); // new generation, counts cleared
        assertEquals(List.of("simpleCB:CLOSED->OPEN", "simpleCB:OPEN->HALF_OPEN", "simpleCB:HALF_OPEN->CLOSED"),
                changes);
        assertTrue(CircuitBreaker.admitted(cb.tryAcquire(t)));
    }

    @Test
    void probeFailureReopensForAnotherTimeout() {
        CircuitBreaker cb = breaker(1, 0, 10 * SEC, "consecutiveFailures > 0");
        fail(cb, T0, 1);
        long t = T0 + 10 * SEC + 1;
        long probe = cb.tryAcquire(t);
        assertTrue(probe >= 0);
        cb.onFailure(t + SEC, probe);
        assertEquals(State.OPEN, cb.state());
        assertEquals(REJECTED_OPEN, cb.tryAcquire(t + 11 * SEC)); // timeout counts from the reopen
        assertTrue(CircuitBreaker.admitted(cb.tryAcquire(t + 11 * SEC + 1)));
        assertEquals(List.of("simpleCB:CLOSED->OPEN", "simpleCB:OPEN->HALF_OPEN",
                "simpleCB:HALF_OPEN->OPEN", "simpleCB:OPEN->HALF_OPEN"), changes);
    }

    @Test
    void intervalResetsCountsInClosedState() {
        CircuitBreaker cb = breaker(1, 8 * SEC, 60 * SEC, "totalFailures >= 3");
        fail(cb, T0, 2);
        assertEquals(2, cb.totalFailures());
        long before = cb.generation();
        // interval elapsed: the counts start again, no state change is reported
        fail(cb, T0 + 8 * SEC + 1, 2);
        assertEquals(State.CLOSED, cb.state());
        assertEquals(2, cb.totalFailures());
        assertEquals(before + 1, cb.generation());
        assertTrue(changes.isEmpty());
        fail(cb, T0 + 9 * SEC, 1);
        assertEquals(State.OPEN, cb.state());
    }

    @Test
    void zeroIntervalNeverResets() {
        CircuitBreaker cb = breaker(1, 0, 60 * SEC, "totalFailures >= 3");
        fail(cb, T0, 2);
        fail(cb, T0 + 25 * SEC, 1);
        assertEquals(State.OPEN, cb.state());
    }

    @Test
    void resultsFromAnOldGenerationAreIgnored() {
        CircuitBreaker cb = breaker(1, 0, 10 * SEC, "consecutiveFailures > 1");
        long slow = cb.tryAcquire(T0); // admitted while closed, finishes much later
        fail(cb, T0, 2);
        assertEquals(State.OPEN, cb.state());
        long t = T0 + 10 * SEC + 1;
        long probe = cb.tryAcquire(t);
        cb.onFailure(t, slow); // stale: must not reopen the half-open breaker
        assertEquals(State.HALF_OPEN, cb.state());
        cb.onSuccess(t, probe);
        assertEquals(State.CLOSED, cb.state());
        cb.onFailure(t, probe); // stale again (closed generation is new)
        cb.onFailure(t, slow);
        assertEquals(0, cb.totalFailures());
        cb.onFailure(t, REJECTED_OPEN); // rejections carry no result
        cb.onSuccess(t, REJECTED_TOO_MANY);
        assertEquals(0, cb.totalFailures());
        assertEquals(0, cb.totalSuccesses());
    }

    @Test
    void intervalRolloverMakesInFlightResultsStale() {
        CircuitBreaker cb = breaker(1, 5 * SEC, 60 * SEC, "consecutiveFailures > 0");
        long token = cb.tryAcquire(T0);
        cb.onFailure(T0 + 6 * SEC, token); // generation rolled over before the result came back
        assertEquals(State.CLOSED, cb.state());
        assertEquals(0, cb.totalFailures());
    }

    @Test
    void gobreakerDefaultsForZeroMaxRequestsAndTimeout() {
        CircuitBreaker cb = breaker(0, 0, 0, "consecutiveFailures > 0");
        fail(cb, T0, 1);
        assertEquals(REJECTED_OPEN, cb.tryAcquire(T0 + 60 * SEC));
        assertTrue(CircuitBreaker.admitted(cb.tryAcquire(T0 + 60 * SEC + 1)));
        assertEquals(REJECTED_TOO_MANY, cb.tryAcquire(T0 + 60 * SEC + 1)); // maxRequests 0 → 1
    }

    @Test
    void countsStayConsistentUnderTwoThreads() throws Exception {
        CircuitBreaker cb = new CircuitBreaker("cb", 1, 0, 60 * SEC,
                TripExpression.parse("totalFailures > 1000000000"), null, 0);
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Runnable work = () -> {
            try {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long t = cb.tryAcquire(i);
                    if ((i & 1) == 0) {
                        cb.onSuccess(i, t);
                    } else {
                        cb.onFailure(i, t);
                    }
                }
            } catch (Throwable e) {
                error.set(e);
            }
        };
        Thread a = new Thread(work);
        Thread b = new Thread(work);
        a.start();
        b.start();
        start.countDown();
        a.join();
        b.join();
        assertEquals(null, error.get());
        assertEquals(2L * perThread, cb.requests());
        assertEquals(perThread, cb.totalSuccesses());
        assertEquals(perThread, cb.totalFailures());
        assertEquals(State.CLOSED, cb.state());
    }

    @Test
    void concurrentFailuresTripExactlyOnceAndHalfOpenAdmitsExactlyMaxRequests() throws Exception {
        for (int round = 0; round < 50; round++) {
            List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            CircuitBreaker cb = new CircuitBreaker("cb", 5, 0, SEC, TripExpression.parse("consecutiveFailures > 10"),
                    (name, from, to) -> seen.add(from + "->" + to), 0);
            CountDownLatch start = new CountDownLatch(1);
            java.util.concurrent.CyclicBarrier phase = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.atomic.AtomicInteger admittedProbes = new java.util.concurrent.atomic.AtomicInteger();
            Runnable work = () -> {
                try {
                    start.await();
                    for (int i = 0; i < 1000; i++) {
                        long t = cb.tryAcquire(10);
                        cb.onFailure(10, t);
                    }
                    phase.await(); // both threads' clocks move past the open timeout together
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 1000; i++) {
                    if (CircuitBreaker.admitted(cb.tryAcquire(10 + 2 * SEC))) {
                        admittedProbes.incrementAndGet();
                    }
                }
            };
            Thread a = new Thread(work);
            Thread b = new Thread(work);
            a.start();
            b.start();
            start.countDown();
            a.join();
            b.join();
            assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN"), seen);
            assertEquals(5, admittedProbes.get());
            assertFalse(cb.state() == State.CLOSED);
        }
    }
}
