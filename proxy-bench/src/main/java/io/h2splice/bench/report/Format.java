package io.h2splice.bench.report;

import java.util.Locale;

/** Numbers for people: latencies in µs/ms/s, counts with thousands separators, KiB as MiB. */
final class Format {

    private final boolean unicode;

    Format(boolean unicode) {
        this.unicode = unicode;
    }

    String micro() {
        return unicode ? "µs" : "us";
    }

    String arrow() {
        return unicode ? "→" : "->";
    }

    /** {@code 87µs}, {@code 1.24ms}, {@code 2.1s}; three significant digits. */
    String latency(double nanos) {
        double abs = Math.abs(nanos);
        String sign = nanos < 0 ? "-" : "";
        if (abs < 1_000_000) {
            double us = abs / 1000;
            return sign + (us < 10 ? String.format(Locale.ROOT, "%.1f", us) : String.format(Locale.ROOT, "%.0f", us))
                    + micro();
        }
        if (abs < 1_000_000_000) {
            return sign + sig3(abs / 1e6) + "ms";
        }
        return sign + sig3(abs / 1e9) + "s";
    }

    /** An axis label: {@code 200µs}, {@code 1ms}, {@code 50ms}, {@code 2s} (values of 1, 2, 5 times a power of 10). */
    String axis(double nanos) {
        if (nanos < 1_000) {
            return String.format(Locale.ROOT, "%.0fns", nanos);
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1e3) + micro();
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos / 1e6) + "ms";
        }
        return trim(nanos / 1e9) + "s";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A latency difference with its sign: {@code +45µs}, {@code -3.0µs}. */
    String added(Double nanos) {
        if (nanos == null) {
            return "-";
        }
        return (nanos >= 0 ? "+" : "") + latency(nanos);
    }

    static String sig3(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** {@code 12,345} for counts and rates. */
    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** MB/s with sensible digits. */
    static String mb(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String percent(Double share) {
        return share == null ? "-" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    static String cpu(double msPer1k) {
        return msPer1k >= 100 ? String.format(Locale.ROOT, "%.0f", msPer1k)
                : String.format(Locale.ROOT, "%.1f", msPer1k);
    }

    static String mib(long kib) {
        return kib <= 0 ? "?" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
    }
}
