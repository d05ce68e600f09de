package io.h2splice.core.log;

import io.h2splice.core.testing.LogCapture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 10,000 lines of one reason in a burst become one line; the next one says how many were left out. */
class LogLimiterTest {

    private static final String NAME = "io.h2splice.core.log.LogLimiterTest.lines";
    private static final InternalLogger log = InternalLoggerFactory.getInstance(NAME);

    @Test
    void aBurstIsOneLineAndTheNextCountsTheRest() throws Exception {
        LogLimiter limiter = new LogLimiter(Duration.ofMillis(200));
        try (LogCapture lines = LogCapture.debug(NAME)) {
            for (int i = 0; i < 10_000; i++) {
                limiter.warn(log, "refused a connection from {}: {}", "peer-" + i, "unknown CA");
            }
            List<String> burst = matching(lines, "refused a connection");
            assertEquals(1, burst.size(), burst.toString());
            assertEquals("refused a connection from peer-0: unknown CA", burst.get(0));
            assertEquals(9_999, limiter.suppressed());

            Thread.sleep(250);
            limiter.warn(log, "refused a connection from {}: {}", "peer-x", "expired", new IllegalStateException());
            List<String> next = matching(lines, "peer-x");
            assertEquals(1, next.size());
            assertTrue(next.get(0).startsWith("refused a connection from peer-x: expired (9999 more like this since "
                    + "the last line were not logged)"), next.get(0));
            assertEquals(0, limiter.suppressed());
        }
    }

    private static List<String> matching(LogCapture lines, String text) {
        return lines.messages().stream().filter(m -> m.contains(text)).toList();
    }
}
