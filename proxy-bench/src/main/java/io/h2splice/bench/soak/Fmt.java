package io.h2splice.bench.soak;

import java.util.Locale;

/** Numbers of the soak's report for people: times as m:ss, bytes in MiB, counts with separators. */
final class Fmt {

    private Fmt() {
    }

    /** {@code 5:00}, {@code 29:50}, {@code 1:02:03}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** A value of {@code unit}: {@code 153.2 MiB}, {@code 1,234}, {@code 298.5}; {@code -} for NaN. */
    static String value(Series.Unit unit, double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return switch (unit) {
            case BYTES -> String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20));
            case COUNT, IN_FLIGHT, INSTANCES -> v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v)
                    : String.format(Locale.ROOT, "%,.1f", v);
            case RATE -> String.format(Locale.ROOT, "%,.1f", v);
        };
    }
}
