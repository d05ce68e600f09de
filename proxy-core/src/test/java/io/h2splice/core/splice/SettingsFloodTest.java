package io.h2splice.core.splice;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsFloodTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theHundredAndFirstWithinTenSecondsIsOneTooMany() {
        SettingsFlood f = new SettingsFlood();
        for (int i = 0; i < SettingsFlood.MAX_PER_WINDOW; i++) {
            assertFalse(f.onSettings(5 * SECOND + i), "frame " + (i + 1));
        }
        assertTrue(f.onSettings(14 * SECOND));
    }

    @Test
    void aNewWindowStartsTenSecondsAfterTheFirstFrameOfTheLast() {
        SettingsFlood f = new SettingsFlood();
        for (int i = 0; i < SettingsFlood.MAX_PER_WINDOW; i++) {
            f.onSettings(SECOND);
        }
        assertFalse(f.onSettings(11 * SECOND), "a steady hundred every ten seconds is allowed");
    }

    @Test
    void pastTwiceTheLimitInOneWindowIsFarOver() {
        SettingsFlood f = new SettingsFlood();
        for (int i = 0; i < 2 * SettingsFlood.MAX_PER_WINDOW; i++) {
            f.onSettings(SECOND);
            assertFalse(f.farOver(), "frame " + (i + 1));
        }
        assertTrue(f.onSettings(2 * SECOND));
        assertTrue(f.farOver());
        assertFalse(f.onSettings(12 * SECOND), "a new window");
        assertFalse(f.farOver());
    }
}
