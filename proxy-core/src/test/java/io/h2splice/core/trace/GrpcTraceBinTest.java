package io.h2splice.core.trace;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** grpc-trace-bin (OpenCensus binary context, base64 text as Netty hands it over): what is accepted, what is not. */
class GrpcTraceBinTest {

    private static final long HI = 0x4bf92f3577b34da6L;
    private static final long LO = 0xa3ce929d0e0e4736L;
    private static final long SPAN = 0x00f067aa0ba902b7L;

    static byte[] raw(int version, int f0, long hi, long lo, int f1, long span, int f2, int options) {
        return ByteBuffer.allocate(GrpcTraceBin.BYTES).put((byte) version).put((byte) f0).putLong(hi).putLong(lo)
                .put((byte) f1).putLong(span).put((byte) f2).put((byte) options).array();
    }

    static String b64(byte[] raw) {
        return GrpcTraceBin.encode(raw);
    }

    @Test
    void validPaddedAndUnpadded() {
        String padded = b64(raw(0, 0, HI, LO, 1, SPAN, 2, 1));
        assertEquals(40, padded.length());
        assertEquals(1, GrpcTraceBin.flags(padded));
        assertEquals(1, GrpcTraceBin.flags(padded.substring(0, 39)));
        assertEquals(HI, GrpcTraceBin.traceIdHigh(padded));
        assertEquals(LO, GrpcTraceBin.traceIdLow(padded));
        assertEquals(SPAN, GrpcTraceBin.spanId(padded));
        assertEquals(0, GrpcTraceBin.flags(b64(raw(0, 0, HI, LO, 1, SPAN, 2, 0))));
        assertEquals(0xff, GrpcTraceBin.flags(b64(raw(0, 0, -1L, -1L, 1, -1L, 2, 0xff))));
        assertEquals(-1L, GrpcTraceBin.traceIdHigh(b64(raw(0, 0, -1L, -1L, 1, -1L, 2, 0xff))));
    }

    @Test
    void formatRoundTrips() {
        String f = GrpcTraceBin.format(HI, LO, SPAN, 1).toString();
        assertEquals(b64(raw(0, 0, HI, LO, 1, SPAN, 2, 1)), f);
        assertEquals(1, GrpcTraceBin.flags(f));
    }

    @Test
    void wrongVersionOrFieldIds() {
        assertEquals(-1, GrpcTraceBin.flags(b64(raw(1, 0, HI, LO, 1, SPAN, 2, 1))));
        assertEquals(-1, GrpcTraceBin.flags(b64(raw(0, 1, HI, LO, 1, SPAN, 2, 1))));
        assertEquals(-1, GrpcTraceBin.flags(b64(raw(0, 0, HI, LO, 2, SPAN, 2, 1))));
        assertEquals(-1, GrpcTraceBin.flags(b64(raw(0, 0, HI, LO, 1, SPAN, 3, 1))));
    }

    @Test
    void allZeroIds() {
        assertEquals(-1, GrpcTraceBin.flags(b64(raw(0, 0, 0, 0, 1, SPAN, 2, 1))));
        assertEquals(-1, GrpcTraceBin.flags(b64(raw(0, 0, HI, LO, 1, 0, 2, 1))));
        assertEquals(1, GrpcTraceBin.flags(b64(raw(0, 0, 0, 1, 1, 1, 2, 1))));
    }

    @Test
    void wrongLengthOrAlphabet() {
        String good = b64(raw(0, 0, HI, LO, 1, SPAN, 2, 1));
        assertEquals(-1, GrpcTraceBin.flags(""));
        assertEquals(-1, GrpcTraceBin.flags(good.substring(0, 38)));
        assertEquals(-1, GrpcTraceBin.flags(good + "="));
        assertEquals(-1, GrpcTraceBin.flags(good.substring(0, 39) + "A"));
        assertEquals(-1, GrpcTraceBin.flags(b64(new byte[28])));
        assertEquals(-1, GrpcTraceBin.flags(b64(new byte[30])));
        assertEquals(-1, GrpcTraceBin.flags("*" + good.substring(1)));
        assertEquals(-1, GrpcTraceBin.flags(good.substring(0, 20) + "é" + good.substring(21)));
        assertEquals(-1, GrpcTraceBin.flags(good.substring(0, 20) + "-" + good.substring(21)));
    }
}
