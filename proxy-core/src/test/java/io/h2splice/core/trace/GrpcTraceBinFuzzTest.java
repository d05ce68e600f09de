package io.h2splice.core.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.util.AsciiString;

import java.nio.ByteBuffer;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@code grpc-trace-bin} value as a client sends it: any bytes (base64 text, as Netty hands a {@code -bin} value
 * over). {@link GrpcTraceBin#flags}, which decodes in place, must agree with the JDK's base64 decoder and the
 * OpenCensus layout (version 0, field 0 and a non-zero trace id, field 1 and a non-zero span id, field 2 and the
 * options), and {@link GrpcTraceBin#format} must give back what was read. Seeds:
 * {@code GrpcTraceBinFuzzTestInputs/grpcTraceBin}.
 */
class GrpcTraceBinFuzzTest {

    @FuzzTest
    void grpcTraceBin(byte[] data) {
        AsciiString v = new AsciiString(data);
        int flags = GrpcTraceBin.flags(v);
        byte[] raw = decode(v.toString());
        assertEquals(expectedFlags(raw), flags, v.toString());
        assertEquals(flags, GrpcTraceBin.flags(v.toString()), "AsciiString and String read alike");
        if (flags < 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        assertEquals(b.getLong(2), GrpcTraceBin.traceIdHigh(v));
        assertEquals(b.getLong(10), GrpcTraceBin.traceIdLow(v));
        assertEquals(b.getLong(19), GrpcTraceBin.spanId(v));
        String formatted = GrpcTraceBin.format(GrpcTraceBin.traceIdHigh(v), GrpcTraceBin.traceIdLow(v),
                GrpcTraceBin.spanId(v), flags).toString();
        assertEquals(GrpcTraceBin.encode(raw), formatted, "format(read(v)) is v, padded");
    }

    /** The JDK's strict decoder, on the padded or unpadded 29-byte form only; null when it is not that. */
    private static byte[] decode(String v) {
        if (v.length() != 39 && !(v.length() == 40 && v.charAt(39) == '=')) {
            return null;
        }
        String padded = v.length() == 39 ? v + "=" : v;
        try {
            byte[] raw = Base64.getDecoder().decode(padded);
            // The last character carries 4 bits of no byte; the JDK ignores them, and so does flags().
            return raw.length == GrpcTraceBin.BYTES ? raw : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int expectedFlags(byte[] raw) {
        if (raw == null || raw[0] != 0 || raw[1] != 0 || raw[18] != 1 || raw[27] != 2) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        if (b.getLong(2) == 0 && b.getLong(10) == 0 || b.getLong(19) == 0) {
            return -1;
        }
        return raw[28] & 0xff;
    }
}
