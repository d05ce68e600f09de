package io.h2splice.core.http;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's mistakes are answered and logged at DEBUG only; nothing at WARN and no stack trace. Netty's logger
 * falls back to java.util.logging in proxy-core's tests, so a JUL handler sees what the handlers log.
 */
class ClientMistakeLoggingTest {

    private final Logger logger = Logger.getLogger("io.h2splice.core.http");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { records.add(r); }
        @Override public void flush() { }
        @Override public void close() { }
    };
    private Level previous;
    private boolean useParentHandlers;

    @BeforeEach
    void attach() {
        previous = logger.getLevel();
        useParentHandlers = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);  // keep the expected WARN of the second test off the console
        logger.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        logger.addHandler(capture);
    }

    @AfterEach
    void detach() {
        logger.removeHandler(capture);
        logger.setLevel(previous);
        logger.setUseParentHandlers(useParentHandlers);
    }

    @Test
    void malformedRequestsAndResetsLogAtDebugOnly() {
        for (String garbage : List.of("GET / HTTP/9.x\r\n\r\n", "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
                "GET /" + "a".repeat(HttpEndpoints.MAX_INITIAL_LINE) + " HTTP/1.1\r\n\r\n")) {
            EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.api(new FakeStatus()));
            assertTrue(RawHttp.one(ch, garbage).status() >= 400);
            assertFalse(ch.isOpen());
            ch.finishAndReleaseAll();
        }
        EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.api(new FakeStatus()));
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        ch.finishAndReleaseAll();

        assertEquals(4, records.size(), "one debug line each: " + records.stream().map(LogRecord::getMessage).toList());
        for (LogRecord r : records) {
            assertTrue(r.getLevel().intValue() < Level.INFO.intValue(), r.getLevel() + " " + r.getMessage());
            assertEquals(null, r.getThrown(), "no stack trace for a client's mistake");
        }
    }

    @Test
    void ourOwnBugsLogAtWarnWithTheStack() {
        EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.api(new FakeStatus()));
        ch.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
        assertEquals(1, records.size());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        assertTrue(records.get(0).getThrown() instanceof IllegalStateException);
    }
}
