package io.h2splice.core.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.util.AsciiString;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@code traceparent} value as a client sends it: any bytes (Latin-1 characters, as Netty hands them over).
 * {@link TraceParent#flags} must accept exactly what the W3C rules written as a regular expression accept, and the id
 * readers and {@link TraceParent#format} must give back the context that was read. Seeds:
 * {@code TraceParentFuzzTestInputs/traceparent}.
 */
class TraceParentFuzzTest {

    /** Version, trace id, parent id, flags; a version above 00 may be followed by '-' and more (W3C level 1). */
    private static final Pattern RULE =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?", Pattern.DOTALL);

    @FuzzTest
    void traceparent(byte[] data) {
        AsciiString v = new AsciiString(data);
        int flags = TraceParent.flags(v);
        assertEquals(expectedFlags(v.toString()), flags, v.toString());
        assertEquals(flags, TraceParent.flags(v.toString()), "AsciiString and String read alike");
        if (flags < 0) {
            return;
        }
        long hi = TraceParent.traceIdHigh(v);
        long lo = TraceParent.traceIdLow(v);
        long span = TraceParent.spanId(v);
        String formatted = TraceParent.format(hi, lo, span, flags).toString();
        assertEquals("00" + v.toString().substring(2, TraceParent.LENGTH), formatted, "format(read(v)) is v as 00");
        assertEquals(TraceParent.hex(hi) + TraceParent.hex(lo), v.toString().substring(3, 35));
        assertEquals(flags, TraceParent.flags(formatted));
    }

    private static int expectedFlags(String v) {
        Matcher m = RULE.matcher(v);
        if (!m.matches()) {
            return -1;
        }
        String version = m.group(1);
        if (version.equals("ff") || version.equals("00") && m.group(5) != null) {
            return -1;
        }
        if (m.group(2).matches("0+") || m.group(3).matches("0+")) {
            return -1;
        }
        return Integer.parseInt(m.group(4), 16);
    }
}
