package io.h2splice.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coordinated-omission correction on a synthetic schedule: 1,000 calls/s for 10 s to a server that answers in 100 µs
 * but freezes for 100 ms at t = 5 s, seen by a client that can have one call in flight (the worst case: a closed loop
 * that stops sending while it waits). Recording from the intended send time shows the ~100 users who waited; recording
 * from the actual send shows one.
 */
class PacerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SERVICE = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long STALL_FROM = 5_000 * MS;
    private static final long STALL_UNTIL = 5_100 * MS;

    /** When a call sent at {@code sent} is answered: 100 µs of service, none of it during the stall. */
    private static long answered(long sent) {
        long start = sent >= STALL_FROM && sent < STALL_UNTIL ? STALL_UNTIL : sent;
        return start + SERVICE;
    }

    @Test
    void intendedTimesFollowTheRateNotTheAnswers() {
        Pacer p = new Pacer(1_000, 1_000);  // start at t = 1 µs, 1,000/s
        assertEquals(1_000, p.intended(0));
        assertEquals(1_000 + MS, p.intended(1));
        assertEquals(1_000 + TimeUnit.SECONDS.toNanos(1), p.intended(1_000));
        List<Long> released = new ArrayList<>();
        assertEquals(0, p.release(999, 10, released::add), "nothing is due before the start");
        assertEquals(1_000, p.nanosUntilNext(0), "the first is due at the start");
        // 3.5 ms late: four are due (0, 1, 2, 3 ms), each keeps its own intended time; the cap holds back the rest
        assertEquals(2, p.release(1_000 + 3 * MS + MS / 2, 2, released::add));
        assertEquals(List.of(1_000L, 1_000 + MS), released);
        assertEquals(0, p.nanosUntilNext(1_000 + 3 * MS + MS / 2), "overdue");
        assertEquals(2, p.release(1_000 + 3 * MS + MS / 2, 10, released::add));
        assertEquals(List.of(1_000L, 1_000 + MS, 1_000 + 2 * MS, 1_000 + 3 * MS), released);
        assertEquals(4, p.released());
        assertEquals(MS / 2, p.nanosUntilNext(1_000 + 3 * MS + MS / 2));
    }

    @Test
    void aStallCountsForEveryCallThatWasDueDuringIt() {
        Stats corrected = new Stats();
        Histogram fromActualSend = new Histogram(Stats.MAX_NANOS, 3);
        Pacer pacer = new Pacer(0, 1_000);
        long now = 0;
        long end = TimeUnit.SECONDS.toNanos(10);
        while (pacer.intended(pacer.released()) < end) {
            long sendAt = now;
            long[] intended = new long[1];
            // one call in flight at most, as UnaryDriver does at its cap
            assertEquals(1, pacer.release(sendAt, 1, t -> intended[0] = t));
            long done = answered(sendAt);
            corrected.record(done - intended[0]);
            fromActualSend.recordValue(done - sendAt);
            now = Math.max(done, pacer.intended(pacer.released()));
        }
        Histogram h = corrected.interval();
        assertEquals(10_000, h.getTotalCount());
        assertEquals(10_000, fromActualSend.getTotalCount());

        // the call due at 5.000 s waited for the whole stall; the ones due after it a little less each
        assertEquals(100.1, h.getMaxValue() / 1e6, 0.2);
        // the k-th call due in the stall is answered at 5,100.1 + 0.1 k ms: it waited 100.1 - 0.9 k ms
        long slow = h.getCountBetweenValues(50 * MS, Stats.MAX_NANOS);
        assertTrue(slow >= 54 && slow <= 58, "56 calls waited >= 50 ms: " + slow);
        assertTrue(h.getValueAtPercentile(99.9) >= 80 * MS, "p99.9 shows the stall: " + h.getValueAtPercentile(99.9));
        assertEquals(0.1, h.getValueAtPercentile(50) / 1e6, 0.001, "the median is the service time");

        // measured from the actual send, the same run hides it: one slow call, p99.9 looks healthy
        assertEquals(1, fromActualSend.getCountBetweenValues(50 * MS, Stats.MAX_NANOS));
        assertTrue(fromActualSend.getValueAtPercentile(99.9) < MS);
    }

    @Test
    void rateMustBePositive() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 0));
    }
}
