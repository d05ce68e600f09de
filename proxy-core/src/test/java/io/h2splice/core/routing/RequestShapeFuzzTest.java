package io.h2splice.core.routing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pseudo-headers of a request as a client sends them. The input is up to three lines: {@code :method},
 * {@code :scheme}, {@code :path} (a missing line is a missing pseudo-header). {@link RequestShape#check} must pass
 * exactly the POSTs with a scheme and a gRPC method path ({@link AppIds#isValidMethod}, checked against the rule
 * written the slow way), and otherwise name the problem in at most 128 characters of the offending value.
 * Seeds: {@code RequestShapeFuzzTestInputs/pseudoHeaders}.
 */
class RequestShapeFuzzTest {

    @FuzzTest
    void pseudoHeaders(byte[] data) {
        AsciiString[] lines = split(data);
        Http2Headers h = new DefaultHttp2Headers(false);
        if (lines.length > 0) {
            h.method(lines[0]);
        }
        if (lines.length > 1) {
            h.scheme(lines[1]);
        }
        AsciiString path = lines.length > 2 ? lines[2] : null;
        if (path != null) {
            h.path(path);
        }
        boolean validMethod = path != null && validMethod(path.toString());
        if (path != null) {
            assertEquals(validMethod, AppIds.isValidMethod(path), path.toString());
            assertEquals(validMethod, AppIds.isValidMethod(path.toString()), "AsciiString and String alike");
        }

        Route r = RequestShape.check(h);
        boolean wellFormed = lines.length > 2 && lines[0].contentEquals("POST") && validMethod;
        if (wellFormed) {
            assertNull(r, "a well-formed request was refused");
            return;
        }
        assertNotNull(r, "a malformed request passed: " + Arrays.toString(lines));
        assertEquals(Route.Kind.ERROR, r.kind());
        assertTrue(r.grpcStatus() == ProxyError.MALFORMED_REQUEST.code()
                || r.grpcStatus() == ProxyError.INVALID_METHOD.code(), r.toString());
        assertTrue(r.message().length() <= 200, "the message repeats a long value whole: " + r.message().length());
    }

    /** {@code /<service>/<method>}: two non-empty segments, neither . nor .., no '#', '?' or control character. */
    private static boolean validMethod(String p) {
        if (!p.startsWith("/")) {
            return false;
        }
        for (char c : p.toCharArray()) {
            if (c == '#' || c == '?' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        String[] segments = p.substring(1).split("/", -1);
        if (segments.length != 2) {
            return false;
        }
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** At most three lines; the third keeps any further newlines (they make its path invalid). */
    private static AsciiString[] split(byte[] data) {
        if (data.length == 0) {
            return new AsciiString[0];
        }
        AsciiString all = new AsciiString(data);
        int a = all.indexOf('\n', 0);
        if (a < 0) {
            return new AsciiString[] {all};
        }
        int b = all.indexOf('\n', a + 1);
        if (b < 0) {
            return new AsciiString[] {all.subSequence(0, a), all.subSequence(a + 1, all.length())};
        }
        return new AsciiString[] {all.subSequence(0, a), all.subSequence(a + 1, b), all.subSequence(b + 1, all.length())};
    }
}
