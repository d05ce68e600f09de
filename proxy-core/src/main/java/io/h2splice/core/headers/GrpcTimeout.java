package io.h2splice.core.headers;

import java.util.concurrent.TimeUnit;

/** Parses and writes the {@code grpc-timeout} header ({@code 1*8DIGIT unit}, units H M S m u n). */
public final class GrpcTimeout {

    /** Returned by {@link #parseNanos} for an absent or malformed header: no deadline. */
    public static final long NONE = Long.MAX_VALUE;

    private static final long MAX_VALUE = 99_999_999L;

    private GrpcTimeout() {
    }

    /** @return the timeout in nanoseconds, or {@link #NONE}. Allocation-free. */
    public static long parseNanos(CharSequence v) {
        if (v == null) {
            return NONE;
        }
        int len = v.length();
        if (len < 2 || len > 9) {
            return NONE;
        }
        long n = 0;
        for (int i = 0; i < len - 1; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return NONE;
            }
            n = n * 10 + (c - '0');
        }
        switch (v.charAt(len - 1)) {
            case 'H': return saturatedNanos(n, TimeUnit.HOURS);
            case 'M': return saturatedNanos(n, TimeUnit.MINUTES);
            case 'S': return saturatedNanos(n, TimeUnit.SECONDS);
            case 'm': return saturatedNanos(n, TimeUnit.MILLISECONDS);
            case 'u': return saturatedNanos(n, TimeUnit.MICROSECONDS);
            case 'n': return n;
            default: return NONE;
        }
    }

    private static long saturatedNanos(long n, TimeUnit unit) {
        return unit.toNanos(n); // TimeUnit saturates at Long.MAX_VALUE
    }

    /** Formats a positive remaining time with the finest unit that fits in 8 digits (as grpc-java does). */
    public static String format(long nanos) {
        if (nanos <= 0) {
            return "1n";
        }
        if (nanos <= MAX_VALUE) {
            return nanos + "n";
        }
        long v = nanos / 1_000;
        if (v <= MAX_VALUE) {
            return v + "u";
        }
        v = nanos / 1_000_000;
        if (v <= MAX_VALUE) {
            return v + "m";
        }
        v = nanos / 1_000_000_000L;
        if (v <= MAX_VALUE) {
            return v + "S";
        }
        v = nanos / 60_000_000_000L;
        if (v <= MAX_VALUE) {
            return v + "M";
        }
        return Math.min(MAX_VALUE, nanos / 3_600_000_000_000L) + "H";
    }
}
