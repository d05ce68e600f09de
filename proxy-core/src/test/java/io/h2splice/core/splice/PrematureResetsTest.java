package io.h2splice.core.splice;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rapid-reset judgement alone, on a fake clock: shares, the minimum, the window and the trip latch. */
class PrematureResetsTest {

    private static final long MS = 1_000_000L;
    private static final long WINDOW = 10_000 * MS;

    @Test
    void aMinorityOfPrematureResetsIsNeverJudgedAtAnyVolume() {
        PrematureResets r = new PrematureResets(200, WINDOW, 0);
        for (int i = 0; i < 1_000_000; i++) { // 1,000 streams a second for 1,000 s, 30 % reset early
            assertFalse(stream(r, i % 10 < 3, i * MS), "judged after " + i + " streams");
        }
    }

    @Test
    void everyStreamResetEarlyClosesAfterHalfTheMinimum() {
        PrematureResets r = new PrematureResets(200, WINDOW, 0);
        int n = 0;
        while (!stream(r, true, n * MS / 10)) {
            n++;
        }
        assertEquals(99, n, "closed on the 100th premature reset");
        assertFalse(stream(r, true, n * MS), "reported once");
    }

    @Test
    void provokedResetsCountAsPrematureWithoutAStreamOfTheirOwn() {
        PrematureResets r = new PrematureResets(200, WINDOW, 0);
        boolean closed = false;
        for (int i = 0; i < 100 && !closed; i++) {
            closed = stream(r, false, i * MS) | r.onResetProvoked(i * MS);
        }
        assertTrue(closed);
    }

    @Test
    void aLongGoodHistoryDoesNotHideAnAttackForLongerThanTwoWindows() {
        PrematureResets r = new PrematureResets(200, WINDOW, 0);
        long t = 0;
        for (int i = 0; i < 100_000; i++, t += MS / 10) { // 10 s of clean traffic
            stream(r, false, t);
        }
        t += 2 * WINDOW; // then an attack; the clean history has rolled out of the window
        int n = 0;
        while (!stream(r, true, t + n * MS / 10)) {
            n++;
            assertTrue(n < 1_000, "an attack after clean traffic was never judged");
        }
    }

    @Test
    void anOldBurstIsForgotten() {
        PrematureResets r = new PrematureResets(200, WINDOW, 0);
        for (int i = 0; i < 90; i++) {
            assertFalse(stream(r, true, i * MS));
        }
        long later = 3 * WINDOW;
        for (int i = 0; i < 90; i++) {
            assertFalse(stream(r, true, later + i * MS), "90 + 90 early resets 30 s apart are two bursts");
        }
    }

    /**
     * The app stops answering: the client keeps opening calls (1,000 a second) that stay open, and gives up on a
     * fifth of them before any response (deadlines, cancels). Those are the only streams that end, so by the streams
     * ended alone every one was premature; by the streams opened, a fifth. Never judged.
     */
    @Test
    void anAppThatStopsAnsweringDoesNotMakeItsClientsLookLikeAttackers() {
        PrematureResets r = new PrematureResets(200, WINDOW, 0);
        for (int i = 0; i < 60_000; i++) { // a minute
            r.onStreamOpened(i * MS);
            if (i % 5 == 0) {
                assertFalse(r.onStreamEnded(true, i * MS), "judged after " + i + " streams");
            }
        }
    }

    /** The client opened a stream and it ended, premature or not, at {@code t}. */
    private static boolean stream(PrematureResets r, boolean premature, long t) {
        r.onStreamOpened(t);
        return r.onStreamEnded(premature, t);
    }
}
