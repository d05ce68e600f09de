package io.h2splice.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a series stayed flat after the warm-up: the median of its points in the minute after the warm-up mark (the
 * reference) against the median of its points in the last minute (the end). Flat when they differ by at most
 * {@code tolerance} of the reference, or by at most the unit's floor ({@link Series.Unit}: 1 MiB, 2 descriptors...), so
 * a gauge near zero is not judged on a percentage of nothing. Medians, so one sample taken just before or after a
 * collection does not decide. A series with a point every 60 s gets its one or two points per window.
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
        double allowed = Math.max(tolerance * Math.abs(ref), s.unit().floor);
        State state = end - ref > allowed ? State.GREW : ref - end > allowed ? State.FELL : State.FLAT;
        return new Verdict(s, ref, end, allowed, state);
    }

    /** The median of the values with from ≤ t ≤ to; NaN when none. */
    static double median(List<double[]> pts, double from, double to) {
        List<Double> v = new ArrayList<>();
        for (double[] p : pts) {
            if (p[0] >= from && p[0] <= to) {
                v.add(p[1]);
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
