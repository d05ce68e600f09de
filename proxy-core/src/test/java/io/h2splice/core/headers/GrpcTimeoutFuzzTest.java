package io.h2splice.core.headers;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.util.AsciiString;

import java.math.BigInteger;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code grpc-timeout} as a client sends it: any bytes (Netty hands a header value over as Latin-1 characters).
 * {@link GrpcTimeout#parseNanos} must agree with the grammar ({@code 1*8DIGIT unit}, saturated at {@link Long#MAX_VALUE}),
 * and {@link GrpcTimeout#format} must write what it reads back, never longer than the remaining time.
 * Seeds: {@code GrpcTimeoutFuzzTestInputs/parse}.
 */
class GrpcTimeoutFuzzTest {

    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @FuzzTest
    void parse(byte[] data) {
        AsciiString value = new AsciiString(data);
        long nanos = GrpcTimeout.parseNanos(value);
        assertEquals(expected(value.toString()), nanos, value.toString());
        assertEquals(nanos, GrpcTimeout.parseNanos(value.toString()), "AsciiString and String read alike");

        long remaining = firstLong(data);
        String written = GrpcTimeout.format(remaining);
        long back = GrpcTimeout.parseNanos(written);
        assertTrue(back != GrpcTimeout.NONE, "format wrote '" + written + "', which does not parse");
        assertTrue(back > 0, written);
        assertTrue(remaining <= 0 ? back == 1 : back <= remaining, "'" + written + "' is longer than " + remaining);
    }

    /** The grammar, written the slow way. */
    private static long expected(String v) {
        if (!v.matches("[0-9]{1,8}[HMSmun]")) {
            return GrpcTimeout.NONE;
        }
        BigInteger n = new BigInteger(v.substring(0, v.length() - 1));
        TimeUnit unit = switch (v.charAt(v.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            default -> TimeUnit.NANOSECONDS;
        };
        BigInteger ns = n.multiply(BigInteger.valueOf(unit.toNanos(1)));
        return ns.min(MAX).longValueExact();
    }

    private static long firstLong(byte[] data) {
        long v = 0;
        for (int i = 0; i < Math.min(8, data.length); i++) {
            v = v << 8 | (data[i] & 0xff);
        }
        return v;
    }
}
