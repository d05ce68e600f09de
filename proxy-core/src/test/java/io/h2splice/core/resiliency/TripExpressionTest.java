package io.h2splice.core.resiliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TripExpressionTest {

    /** Counts: requests=10, totalSuccesses=4, totalFailures=6, consecutiveSuccesses=0, consecutiveFailures=3. */
    private static boolean eval(String src) {
        return TripExpression.parse(src).test(10, 4, 6, 0, 3);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " :: ", value = {
        "consecutiveFailures > 2 :: true",
        "consecutiveFailures > 3 :: false",
        "consecutiveFailures >= 3 :: true",
        "consecutiveFailures < 3 :: false",
        "consecutiveFailures <= 3 :: true",
        "consecutiveFailures == 3 :: true",
        "consecutiveFailures != 3 :: false",
        "consecutiveSuccesses == 0 :: true",
        "totalFailures > 5 :: true",
        "totalSuccesses >= 5 :: false",
        "requests == 10 :: true",
        "consecutiveFailures>2 :: true",
        "'  requests   >=10  ' :: true",
        "requests > 5 && totalFailures > 5 :: true",
        "requests > 5 && totalFailures > 6 :: false",
        "requests > 50 || totalFailures > 5 :: true",
        "requests > 50 || totalFailures > 6 :: false",
        // && binds tighter: true || (false && false) = true; (true || false) && false would be false
        "requests > 5 || requests > 50 && totalFailures > 60 :: true",
        "(requests > 5 || requests > 50) && totalFailures > 60 :: false",
        // false && false || true = (false && false) || true = true
        "requests > 50 && totalFailures > 60 || consecutiveFailures == 3 :: true",
        "requests > 50 && (totalFailures > 60 || consecutiveFailures == 3) :: false",
        "((consecutiveFailures > 2)) :: true",
        "requests >= 10 && requests <= 10 && totalSuccesses == 4 && totalFailures == 6 :: true",
    })
    void evaluates(String src, boolean expected) {
        assertEquals(expected, eval(src), src);
    }

    @Test
    void defaultExpressionTripsAfterSixConsecutiveFailures() {
        TripExpression t = TripExpression.parse(TripExpression.DEFAULT_SOURCE);
        assertFalse(t.test(5, 0, 5, 0, 5));
        assertTrue(t.test(6, 0, 6, 0, 6));
        assertEquals("consecutiveFailures > 5", t.source());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " :: ", value = {
        "failures > 5 :: trip: unknown counter 'failures' at 1; expected consecutiveFailures, consecutiveSuccesses, totalFailures, totalSuccesses or requests",
        "requests > 1 && fails > 2 :: trip: unknown counter 'fails' at 17; expected consecutiveFailures, consecutiveSuccesses, totalFailures, totalSuccesses or requests",
        "requests :: trip: missing comparison after 'requests' at 9; expected >, >=, <, <=, == or !=",
        "requests ~ 5 :: trip: unexpected '~' at 10; expected >, >=, <, <=, == or !=",
        "requests = 5 :: trip: single '=' at 10; use '==' to compare",
        "requests > :: trip: missing number at 11; expected a whole number",
        "requests > x :: trip: unexpected 'x' at 12; expected a whole number",
        "requests > -1 :: trip: unexpected '-' at 12; expected a whole number",
        "requests > 1.5 :: trip: unexpected '.' at 13; expected a whole number",
        "requests > 5s :: trip: unexpected 's' at 13; expected a whole number",
        "requests > 99999999999999999999 :: trip: number too large at 12",
        "requests > 1 & requests > 2 :: trip: single '&' at 14; did you mean '&&'?",
        "requests > 1 | requests > 2 :: trip: single '|' at 14; did you mean '||'?",
        "requests > 1 requests > 2 :: trip: unexpected 'requests' at 14; expected && or ||",
        "requests > 1 && :: trip: unexpected end of expression at 16; expected a counter or '('",
        "&& requests > 1 :: trip: unexpected '&' at 1; expected a counter or '('",
        "(requests > 1 :: trip: missing ')' for '(' at 1",
        "requests > 1) :: trip: unexpected ')' at 13",
        "() :: trip: unexpected ')' at 2; expected a counter or '('",
    })
    void rejects(String src, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TripExpression.parse(src));
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsEmpty() {
        for (String s : new String[] {null, "", "   "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TripExpression.parse(s));
            assertEquals("trip: empty expression; expected e.g. 'consecutiveFailures > 5'", e.getMessage());
        }
    }

    @Test
    void rejectsDeepNesting() {
        String src = "(".repeat(40) + "requests > 1" + ")".repeat(40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TripExpression.parse(src));
        assertEquals("trip: parentheses nested too deeply at 33", e.getMessage());
    }

    /**
     * A long chain parsed fine but evaluated by recursion on the event loop: 10,000 comparisons (a 160 KB line) threw
     * StackOverflowError at the first failure of a call, not at load. The chain is now refused at load.
     */
    @Test
    void rejectsMoreThan64Comparisons() {
        String most = String.join(" && ", java.util.Collections.nCopies(64, "requests > 1"));
        assertTrue(TripExpression.parse(most).test(2, 0, 0, 0, 0));
        String src = String.join(" || ", java.util.Collections.nCopies(10_000, "requests > 1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TripExpression.parse(src));
        assertEquals("trip: more than 64 comparisons at " + (64 * 16 + 1), e.getMessage());
    }
}
