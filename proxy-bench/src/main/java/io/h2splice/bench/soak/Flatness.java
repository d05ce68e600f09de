package io.h2splice.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a series stayed flat after the warm-up: the median of its points in the window after the warm-up mark (the
 * reference) against the median of its points in the last window (the end). Flat when they differ by at most the
 * largest of: {@code tolerance} of the reference; the unit's floor ({@link Series.Unit}: 1 MiB, 2 of a count), so a
 * gauge near zero is not judged on a percentage of nothing; and the windows' noise (three standard errors of a
 * difference of two medians, the spread estimated from both windows' deviations from their own medians), so a gauge
 * that moves with the load from sample to sample ({@code h2splice_streams_active}) is judged on its level, not on its
 * jitter (for a count of things in flight, on at least a Poisson count's jitter: a few samples can look calmer than
 * the load is). Medians, so one sample taken just before or after a collection does not decide. A series with a point every
 * 60 s gets its few points per window.
 */
final class Flatness {

    /** The outcome for one series. */
    enum State { FLAT, GREW, FELL, TOO_SHORT }

    /**
     * @param reference the median after warm-up, NaN when too short
     * @param end       the median at the end, NaN when too short
     * @param allowed   the largest change that is still flat
     */
    record Verdict(Series series, double reference, double end, double allowed, State state) {

        /** (end − reference) / reference; NaN when the reference is 0 or missing. */
        double change() {
            return reference > 0 ? (end - reference) / reference : Double.NaN;
        }

        String describeChange() {
            if (state == State.TOO_SHORT) {
                return "too short to judge";
            }
            double c = change();
            return Double.isNaN(c) ? String.format(Locale.ROOT, "%+.0f", end - reference)
                    : String.format(Locale.ROOT, "%+.1f %%", c * 100);
        }
    }

    private Flatness() {
    }

    /**
     * @param warmupSeconds where the reference window starts
     * @param windowSeconds the reference and end windows' length
     * @param tolerance     the relative change still flat (0.10)
     */
    static Verdict judge(Series s, double warmupSeconds, double windowSeconds, double tolerance) {
        List<double[]> pts = s.points();
        if (pts.isEmpty() || pts.get(pts.size() - 1)[0] < warmupSeconds + windowSeconds) {
            return new Verdict(s, Double.NaN, Double.NaN, Double.NaN, State.TOO_SHORT);
        }
        double last = pts.get(pts.size() - 1)[0];
        double ref = median(pts, warmupSeconds, warmupSeconds + windowSeconds);
        if (Double.isNaN(ref)) {  // sparse points: the first one after the warm-up mark
            ref = pts.stream().filter(p -> p[0] >= warmupSeconds).findFirst().orElseThrow()[1];
        }
        double end = median(pts, last - windowSeconds, last);
        double allowed = Math.max(Math.max(tolerance * Math.abs(ref), s.unit().floor),
                noise(pts, warmupSeconds, warmupSeconds + windowSeconds, last - windowSeconds, last,
                        s.unit() == Series.Unit.IN_FLIGHT));
        State state = end - ref > allowed ? State.GREW : ref - end > allowed ? State.FELL : State.FLAT;
        return new Verdict(s, ref, end, allowed, state);
    }

    /**
     * The windows' length: a quarter of what follows the warm-up, at least 1 and at most 5 minutes (5 minutes, 30
     * samples, for 30 minutes after a 5-minute warm-up; 1 minute for a short trial).
     */
    static double window(double durationSeconds, double warmupSeconds) {
        return Math.min(300, Math.max(60, (durationSeconds - warmupSeconds) / 4));
    }

    /**
     * Three standard errors of the difference of two windows' medians: σ = 1.4826 × the median of every point's
     * distance to its own window's median (both windows pooled), a median's standard error ≈ 1.2533 σ / √n with n the
     * smaller window's points, a difference of two √2 times that. 0 when a window has fewer than 3 points.
     *
     * @param poisson σ is at least √(the larger median): the series counts things in flight
     */
    static double noise(List<double[]> pts, double refFrom, double refTo, double endFrom, double endTo,
                        boolean poisson) {
        List<Double> ref = values(pts, refFrom, refTo);
        List<Double> end = values(pts, endFrom, endTo);
        if (ref.size() < 3 || end.size() < 3) {
            return 0;
        }
        List<Double> dev = new ArrayList<>();
        for (List<Double> w : List.of(ref, end)) {
            double med = median(w);
            for (double x : w) {
                dev.add(Math.abs(x - med));
            }
        }
        double sigma = 1.4826 * median(dev);
        if (poisson) {
            sigma = Math.max(sigma, Math.sqrt(Math.max(Math.abs(median(ref)), Math.abs(median(end)))));
        }
        return 3 * Math.sqrt(2) * 1.2533 * sigma / Math.sqrt(Math.min(ref.size(), end.size()));
    }

    private static List<Double> values(List<double[]> pts, double from, double to) {
        List<Double> v = new ArrayList<>();
        for (double[] p : pts) {
            if (p[0] >= from && p[0] <= to) {
                v.add(p[1]);
            }
        }
        return v;
    }

    /** The median of the values with from ≤ t ≤ to; NaN when none. */
    static double median(List<double[]> pts, double from, double to) {
        List<Double> v = values(pts, from, to);
        return v.isEmpty() ? Double.NaN : median(v);
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
