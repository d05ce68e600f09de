package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RampTest {

    private static final long S = TimeUnit.SECONDS.toNanos(1);

    /** Sends released in [from, to) seconds, releasing every 10 ms as the load's loop does. */
    private static int sendsBetween(Ramp r, double from, double to) {
        int during = 0;
        for (long t = 0; t < (long) (to * S); t += S / 100) {
            int n = r.release(t, Integer.MAX_VALUE, x -> { });
            during += t < (long) (from * S) ? 0 : n;
        }
        return during;
    }

    @Test
    void climbsLinearlyThenHoldsTheRate() {
        // 300/s over a 30 s ramp: N(t) = 300 t² / 60, so 1,125 sends in the first 15 s, 3,375 in the next 15 s
        // (4,500 in all, half of 30 s at the full rate), then 300 a second
        assertEquals(1_125, sendsBetween(new Ramp(0, 300, 30), 0, 15), 2);
        assertEquals(3_375, sendsBetween(new Ramp(0, 300, 30), 15, 30), 2);
        assertEquals(3_000, sendsBetween(new Ramp(0, 300, 30), 40, 50), 2);
        Ramp r = new Ramp(0, 300, 30);
        assertEquals(0, r.intended(0));
        assertEquals(30 * S, r.intended(4_500), 1_000, "the ramp's last send is due at its end");
        assertEquals(30 * S + S / 300, r.intended(4_501), 1_000);
    }

    @Test
    void keepsIntendedTimesAndRespectsTheCap() {
        Ramp r = new Ramp(5 * S, 100, 0);  // no ramp: a fixed rate, as Pacer
        List<Long> got = new ArrayList<>();
        assertEquals(0, r.release(5 * S - 1, 10, got::add));
        assertEquals(3, r.release(5 * S + S / 10, 3, got::add), "at most 3");
        assertEquals(List.of(5 * S, 5 * S + S / 100, 5 * S + 2 * S / 100), got);
        assertEquals(0, r.nanosUntilNext(5 * S + S / 10), "overdue");
        assertTrue(r.nanosUntilNext(0) > 0);
        assertThrows(IllegalArgumentException.class, () -> new Ramp(0, 0, 30));
    }
}
