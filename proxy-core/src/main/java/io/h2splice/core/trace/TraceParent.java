package io.h2splice.core.trace;

import io.netty.util.AsciiString;

/**
 * The W3C {@code traceparent} header: {@code version "-" trace-id "-" parent-id "-" trace-flags}, lowercase hex
 * ({@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}).
 *
 * <p>{@link #flags} validates without allocating (it runs for every call that carries the header, sampled or not);
 * the id readers are called only for a valid header of a sampled call.
 *
 * <p>Rules (W3C Trace Context, level 1): version {@code ff} is invalid; version {@code 00} is exactly 55 characters;
 * a higher version is parsed as 00 on its first 55 characters, which must be followed by the end or a {@code -};
 * ids of all zeros are invalid; uppercase hex is invalid.
 */
final class TraceParent {

    static final int LENGTH = 55;
    /** Trace flags bit 0. */
    static final int SAMPLED = 0x01;

    private static final int TRACE_ID = 3;
    private static final int SPAN_ID = 36;
    private static final int FLAGS = 53;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private TraceParent() {
    }

    /** @return the trace-flags byte (0-255) of a valid header, or -1 when the header is not valid; allocates nothing */
    static int flags(CharSequence v) {
        int len = v.length();
        if (len < LENGTH) {
            return -1;
        }
        int version = hexByte(v, 0);
        if (version < 0 || version == 0xff) {
            return -1;
        }
        if (version == 0 ? len != LENGTH : len > LENGTH && v.charAt(LENGTH) != '-') {
            return -1;
        }
        if (v.charAt(2) != '-' || v.charAt(SPAN_ID - 1) != '-' || v.charAt(FLAGS - 1) != '-') {
            return -1;
        }
        if (!nonZeroHex(v, TRACE_ID, SPAN_ID - 1) || !nonZeroHex(v, SPAN_ID, FLAGS - 1)) {
            return -1;
        }
        return hexByte(v, FLAGS);
    }

    /** The first 8 bytes of the trace id of a header {@link #flags} accepted. */
    static long traceIdHigh(CharSequence v) {
        return hexLong(v, TRACE_ID);
    }

    /** The last 8 bytes of the trace id (the part TraceIdRatioBased samples on). */
    static long traceIdLow(CharSequence v) {
        return hexLong(v, TRACE_ID + 16);
    }

    static long spanId(CharSequence v) {
        return hexLong(v, SPAN_ID);
    }

    /** A version-00 header for the given context. */
    static AsciiString format(long traceIdHigh, long traceIdLow, long spanId, int flags) {
        byte[] b = new byte[LENGTH];
        b[0] = '0';
        b[1] = '0';
        b[2] = '-';
        putHex(b, TRACE_ID, traceIdHigh);
        putHex(b, TRACE_ID + 16, traceIdLow);
        b[SPAN_ID - 1] = '-';
        putHex(b, SPAN_ID, spanId);
        b[FLAGS - 1] = '-';
        b[FLAGS] = HEX[(flags >> 4) & 0xf];
        b[FLAGS + 1] = HEX[flags & 0xf];
        return new AsciiString(b, false);
    }

    /** 16 lowercase hex digits. */
    static String hex(long v) {
        byte[] b = new byte[16];
        putHex(b, 0, v);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static void putHex(byte[] b, int at, long v) {
        for (int i = 15; i >= 0; i--) {
            b[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    /** Lowercase hex digits in [from, to), not all '0'. */
    private static boolean nonZeroHex(CharSequence v, int from, int to) {
        boolean nonZero = false;
        for (int i = from; i < to; i++) {
            int d = digit(v.charAt(i));
            if (d < 0) {
                return false;
            }
            nonZero |= d != 0;
        }
        return nonZero;
    }

    private static int hexByte(CharSequence v, int at) {
        int hi = digit(v.charAt(at));
        int lo = digit(v.charAt(at + 1));
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static long hexLong(CharSequence v, int at) {
        long r = 0;
        for (int i = at; i < at + 16; i++) {
            r = r << 4 | digit(v.charAt(i));
        }
        return r;
    }

    /** A lowercase hex digit's value, else -1 (uppercase is not valid in a traceparent). */
    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
