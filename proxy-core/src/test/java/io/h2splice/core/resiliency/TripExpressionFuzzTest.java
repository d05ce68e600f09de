package io.h2splice.core.resiliency;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A circuit breaker's {@code trip} as a Resiliency file may hold it: any UTF-8 text. {@link TripExpression#parse}
 * must either give an expression that evaluates (on the event loop, per call) without throwing, or throw an
 * {@link IllegalArgumentException} whose message is one line starting {@code trip: } and naming a column inside the
 * text. Anything else escaping (an index out of bounds, a stack overflow) is a finding. Seeds:
 * {@code TripExpressionFuzzTestInputs/trip}.
 */
class TripExpressionFuzzTest {

    private static final long[][] COUNTS = {
        {0, 0, 0, 0, 0}, {10, 4, 6, 0, 3}, {Long.MAX_VALUE, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE}, {6, 0, 6, 0, 6},
    };

    @FuzzTest
    void trip(byte[] data) {
        String source = new String(data, StandardCharsets.UTF_8);
        TripExpression t;
        try {
            t = TripExpression.parse(source);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            assertTrue(m.startsWith("trip: "), m);
            assertFalse(m.contains("\n"), "a message of more than one line: " + m);
            return;
        }
        assertEquals(source, t.source());
        TripExpression again = TripExpression.parse(t.source());
        for (long[] c : COUNTS) {
            assertEquals(t.test(c[0], c[1], c[2], c[3], c[4]), again.test(c[0], c[1], c[2], c[3], c[4]));
        }
    }
}
