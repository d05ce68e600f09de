package io.h2splice.core.trace;

import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code grpc-trace-bin} header: OpenCensus's binary trace context, 29 bytes: version 0; field 0 and the 16-byte
 * trace id; field 1 and the 8-byte span id; field 2 and the 1-byte trace options. On the wire (and so in the decoded
 * Netty headers) a {@code -bin} value is base64 text, padded (40 characters) or not (39).
 *
 * <p>{@link #flags} validates the text in place, decoding byte by byte, without allocating. Only that full 29-byte
 * form is accepted (OpenCensus also lets the span id or the options be left out; Dapr and grpc always send them).
 */
final class GrpcTraceBin {

    static final int BYTES = 29;
    private static final int TRACE_ID = 2;
    private static final int SPAN_ID = 19;
    private static final int OPTIONS = 28;

    private static final byte[] DECODE = new byte[128];

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DECODE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private GrpcTraceBin() {
    }

    /** @return the options byte (0-255) of a valid value, or -1 when it is not valid; allocates nothing */
    static int flags(CharSequence b64) {
        int len = b64.length();
        if (len == 40) {
            if (b64.charAt(39) != '=') {
                return -1;
            }
        } else if (len != 39) {
            return -1;
        }
        for (int i = 0; i < 39; i++) {
            char c = b64.charAt(i);
            if (c >= 128 || DECODE[c] < 0) {
                return -1;
            }
        }
        if (byteAt(b64, 0) != 0 || byteAt(b64, 1) != 0 || byteAt(b64, SPAN_ID - 1) != 1
                || byteAt(b64, OPTIONS - 1) != 2) {
            return -1;
        }
        if (allZero(b64, TRACE_ID, TRACE_ID + 16) || allZero(b64, SPAN_ID, SPAN_ID + 8)) {
            return -1;
        }
        return byteAt(b64, OPTIONS);
    }

    static long traceIdHigh(CharSequence b64) {
        return longAt(b64, TRACE_ID);
    }

    static long traceIdLow(CharSequence b64) {
        return longAt(b64, TRACE_ID + 8);
    }

    static long spanId(CharSequence b64) {
        return longAt(b64, SPAN_ID);
    }

    /** The padded base64 text of the given context. */
    static AsciiString format(long traceIdHigh, long traceIdLow, long spanId, int options) {
        byte[] b = new byte[BYTES];
        b[1] = 0;
        putLong(b, TRACE_ID, traceIdHigh);
        putLong(b, TRACE_ID + 8, traceIdLow);
        b[SPAN_ID - 1] = 1;
        putLong(b, SPAN_ID, spanId);
        b[OPTIONS - 1] = 2;
        b[OPTIONS] = (byte) options;
        return new AsciiString(Base64.getEncoder().encode(b), false);
    }

    /** For tests: the base64 text of raw bytes. */
    static String encode(byte[] raw) {
        return new String(Base64.getEncoder().encode(raw), StandardCharsets.US_ASCII);
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long longAt(CharSequence b64, int at) {
        long r = 0;
        for (int i = at; i < at + 8; i++) {
            r = r << 8 | byteAt(b64, i);
        }
        return r;
    }

    private static boolean allZero(CharSequence b64, int from, int to) {
        for (int i = from; i < to; i++) {
            if (byteAt(b64, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Decoded byte {@code i} (0-255) of base64 text whose characters were checked. */
    private static int byteAt(CharSequence b64, int i) {
        int at = i / 3 * 4;
        int s0 = DECODE[b64.charAt(at)];
        int s1 = DECODE[b64.charAt(at + 1)];
        switch (i % 3) {
            case 0:
                return (s0 << 2 | s1 >> 4) & 0xff;
            case 1:
                return (s1 << 4 | DECODE[b64.charAt(at + 2)] >> 2) & 0xff;
            default:
                return (DECODE[b64.charAt(at + 2)] << 6 | DECODE[b64.charAt(at + 3)]) & 0xff;
        }
    }
}
