package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlatnessTest {

    private static final double MIB = 1 << 20;

    /** A point every 10 s for {@code minutes}, value f(t). */
    private static Series every10s(Series.Unit unit, int minutes, java.util.function.DoubleUnaryOperator f) {
        Series s = new Series("m", "sidecar A", unit, true);
        for (int t = 0; t <= minutes * 60; t += 10) {
            s.add(t, f.applyAsDouble(t));
        }
        return s;
    }

    private static Flatness.Verdict judge(Series s) {
        return Flatness.judge(s, 300, 60, 0.10);
    }

    @Test
    void warmUpGrowthDoesNotCountNoiseIsFlat() {
        // RSS climbs for 5 minutes, then sits at 150 MiB ± 5 MiB with one spike per minute
        Series rss = every10s(Series.Unit.BYTES, 30, t -> t < 300 ? 100 * MIB + t * MIB / 6
                : 150 * MIB + ((int) t % 20 == 0 ? 5 : -5) * MIB + ((int) t % 60 == 0 ? 40 * MIB : 0));
        Flatness.Verdict v = judge(rss);
        assertEquals(Flatness.State.FLAT, v.state());
        assertEquals(150 * MIB, v.reference(), MIB * 5);
        assertTrue(v.allowed() >= 0.10 * v.reference(), "at least 10 %, more for a jittery window");
    }

    @Test
    void slowGrowthPastTenPercentIsGrowth() {
        // +0.5 % a minute after warm-up: +12.5 % by minute 30
        Series heap = every10s(Series.Unit.BYTES, 30, t -> 40 * MIB * (1 + Math.max(0, t - 300) / 60 * 0.005));
        Flatness.Verdict v = judge(heap);
        assertEquals(Flatness.State.GREW, v.state());
        assertTrue(v.change() > 0.10 && v.change() < 0.13, v.describeChange());
        Series fds = every10s(Series.Unit.COUNT, 30, t -> t < 1500 ? 100 : 80);
        assertEquals(Flatness.State.FELL, judge(fds).state());
        assertEquals("-20.0 %", judge(fds).describeChange());
    }

    @Test
    void smallNumbersAreJudgedAgainstTheUnitsFloor() {
        // one connection at the reference, three at the end: +200 %, but within the count floor of 2
        Series conns = every10s(Series.Unit.COUNT, 30, t -> t < 1500 ? 1 : 3);
        assertEquals(Flatness.State.FLAT, judge(conns).state());
        Series held = every10s(Series.Unit.BYTES, 30, t -> t < 1500 ? 0 : 900_000);
        assertEquals(Flatness.State.FLAT, judge(held).state());
        assertEquals("+900000", judge(held).describeChange(), "a zero reference has no percentage");
        Series fourMore = every10s(Series.Unit.COUNT, 30, t -> t < 1500 ? 1 : 4);
        assertEquals(Flatness.State.GREW, judge(fourMore).state());
    }

    @Test
    void sparseSeriesAndShortRuns() {
        Series live = new Series("live heap", "sidecar B", Series.Unit.BYTES, true);
        for (int t = 0; t <= 1800; t += 60) {
            live.add(t, 20 * MIB + (t >= 1700 ? 3 * MIB : 0));
        }
        Flatness.Verdict v = judge(live);
        assertEquals(20 * MIB, v.reference());
        assertEquals(23 * MIB, v.end(), "the two points of the last minute");
        assertEquals(Flatness.State.GREW, v.state());
        Series shortRun = every10s(Series.Unit.BYTES, 3, t -> 1);
        assertEquals(Flatness.State.TOO_SHORT, judge(shortRun).state());
        assertEquals(Flatness.State.FLAT, Flatness.judge(shortRun, 60, 60, 0.10).state(), "a trial's 1-minute mark");
        Series failed = new Series("x", "sidecar A", Series.Unit.COUNT, true);
        failed.add(400, -1);
        assertEquals(Flatness.State.TOO_SHORT, judge(failed).state(), "failed readings are not points");
    }

    @Test
    void aGaugeThatJittersWithTheLoadIsJudgedOnItsLevel() {
        // streams in flight: 10 on average, anything from 3 to 17 at a sample; 5-minute windows of 30 samples
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[] jitter = new double[200];
        for (int i = 0; i < jitter.length; i++) {
            jitter[i] = 3 + r.nextInt(15);
        }
        Series flat = every10s(Series.Unit.COUNT, 30, t -> jitter[(int) t / 10]);
        Flatness.Verdict v = Flatness.judge(flat, 300, 300, 0.10);
        assertEquals(Flatness.State.FLAT, v.state(), () -> v.reference() + " → " + v.end() + " ±" + v.allowed());
        assertTrue(v.allowed() > 2 && v.allowed() < 10, "the noise term, not the floor: " + v.allowed());
        // the same jitter over a floor that climbs one stream a minute: 20 more at the end
        Series leaking = every10s(Series.Unit.COUNT, 30, t -> jitter[(int) t / 10] + Math.floor(t / 60));
        assertEquals(Flatness.State.GREW, Flatness.judge(leaking, 300, 300, 0.10).state());
        // a steady series has no noise term: 10 % decides
        Series steady = every10s(Series.Unit.BYTES, 30, t -> 100 * MIB);
        assertEquals(10 * MIB, Flatness.judge(steady, 300, 300, 0.10).allowed(), 1e-6);
    }

    private static Series streams(double... v) {
        Series s = new Series("h2splice_streams_active", "sidecar B", Series.Unit.IN_FLIGHT, true);
        for (int i = 0; i < v.length; i++) {
            s.add(10 * i, v[i]);
        }
        return s;
    }

    @Test
    void streamsInFlightAreJudgedOnAtLeastAPoissonCountsJitter() {
        // the 3-minute trial's h2splice_streams_active of sidecar B, a sample every 10 s; 1-minute windows of 7
        // samples: 6 against 10 with a pooled spread of ±2, but 9 ± 3 is what 300 calls/s of ~30 ms give
        Series trial = streams(1, 4, 7, 9, 8, 9, 10, 10, 2, 6, 5, 6, 4, 11, 13, 9, 10, 9, 13, 7);
        Flatness.Verdict v = Flatness.judge(trial, 60, 60, 0.10);
        assertEquals(6, v.reference());
        assertEquals(Flatness.State.FLAT, v.state(), () -> v.end() + " ±" + v.allowed());
        // the same jitter over a floor of streams that never end, one more every minute: 25 more by 30:00
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        double[] leaking = new double[181];
        double[] steady = new double[181];
        for (int i = 0; i < leaking.length; i++) {
            steady[i] = 9 + r.nextInt(-4, 5);
            leaking[i] = steady[i] + i / 6;
        }
        assertEquals(Flatness.State.FLAT, Flatness.judge(streams(steady), 300, 300, 0.10).state());
        assertEquals(Flatness.State.GREW, Flatness.judge(streams(leaking), 300, 300, 0.10).state());
    }

    @Test
    void windowsAreAQuarterOfTheRunAfterWarmUpWithinOneToFiveMinutes() {
        assertEquals(300, Flatness.window(1800, 300));
        assertEquals(60, Flatness.window(180, 60));
        assertEquals(150, Flatness.window(900, 300));
        assertEquals(300, Flatness.window(7200, 300));
    }

    @Test
    void medianOfAWindow() {
        List<double[]> pts = List.of(new double[] {0, 5}, new double[] {10, 1}, new double[] {20, 3},
                new double[] {30, 100});
        assertEquals(3, Flatness.median(pts, 0, 20));
        assertEquals(4, Flatness.median(pts, 0, 30), 1e-9);
        assertTrue(Double.isNaN(Flatness.median(pts, 40, 50)));
    }
}
