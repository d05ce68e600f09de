package io.h2splice.core.trace;

import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The traceparent table of W3C Trace Context level 1: what is accepted, with which flags, and what is not. */
class TraceParentTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // valid
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | 1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 | 0",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09 | 9",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff | 255",
        "00-00000000000000000000000000000001-0000000000000001-01 | 1",
        // future versions: parsed as 00 on the first 55 characters, then the end or a dash
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | 1",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds | 1",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what | -1",
        // version ff is invalid; version 00 must be exactly 55 characters
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01- | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra | -1",
        // all-zero ids
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01 | -1",
        // uppercase hex anywhere
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A | -1",
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | -1",
        // wrong lengths and separators
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1 | -1",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba9g2b7-01 | -1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x | -1",
        "' 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' | -1",
        "garbage | -1",
    })
    void flagsOfValidHeadersOnly(String header, int flags) {
        assertEquals(flags, TraceParent.flags(header), header);
        assertEquals(flags, TraceParent.flags(AsciiString.of(header)), "as AsciiString: " + header);
    }

    @Test
    void emptyIsNotValid() {
        assertEquals(-1, TraceParent.flags(""));
    }

    @Test
    void idsAreReadAsTheyAreWritten() {
        String h = "00-" + TRACE + "-" + SPAN + "-01";
        assertEquals(0x4bf92f3577b34da6L, TraceParent.traceIdHigh(h));
        assertEquals(0xa3ce929d0e0e4736L, TraceParent.traceIdLow(h));
        assertEquals(0x00f067aa0ba902b7L, TraceParent.spanId(h));
        assertEquals(h, TraceParent.format(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0x00f067aa0ba902b7L, 1)
                .toString());
        assertEquals("00-ffffffffffffffff0000000000000001-8000000000000000-00",
                TraceParent.format(-1L, 1L, Long.MIN_VALUE, 0).toString());
        assertEquals("a3ce929d0e0e4736", TraceParent.hex(0xa3ce929d0e0e4736L));
    }
}
