package io.h2splice.tls.context;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a connection to another sidecar stops taking new calls, from what is left of the server's certificate. */
class PeerChecksTest {

    @Test
    void aLongLivedCertificateIsLeftFiveMinutesBeforeItExpires() {
        assertEquals(ms(Duration.ofHours(24).minusMinutes(5)), after(Duration.ofHours(24)));
        assertEquals(ms(Duration.ofMinutes(45)), after(Duration.ofMinutes(50)));
    }

    /**
     * Before the fix, a certificate with under 5 minutes left was left at once: every connection carried only the
     * calls it had been dialled for, one handshake per call.
     */
    @Test
    void aShortLivedCertificateServesNinetyPercentOfWhatIsLeft() {
        assertEquals(ms(Duration.ofMinutes(9)), after(Duration.ofMinutes(10)));
        assertEquals(ms(Duration.ofMinutes(4).plusSeconds(30)), after(Duration.ofMinutes(5)));
        assertEquals(9_000, after(Duration.ofSeconds(10)));
        assertEquals(2_700, after(Duration.ofSeconds(3)));
    }

    @Test
    void anExpiredOneIsLeftAtOnce() {
        assertEquals(0, after(Duration.ZERO));
        assertEquals(0, after(Duration.ofSeconds(-1)));
    }

    private static long after(Duration left) {
        return PeerChecks.expiringAfterMillis(left.toMillis());
    }

    private static long ms(Duration d) {
        return d.toMillis();
    }
}
