package io.h2splice.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what proxy-core logs under a logger name while it is open. Netty's {@code InternalLogger} binds to slf4j,
 * which proxy-core's tests route to java.util.logging ({@code slf4j-jdk14}), so a JUL handler on the name (a class,
 * or a package for every class in it) sees the lines, already formatted. Opening it lowers the logger's level to
 * {@code level} and keeps the lines off the console; closing it restores both.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousUseParent;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name, Level level) {
        logger = Logger.getLogger(name);
        previousLevel = logger.getLevel();
        previousUseParent = logger.getUseParentHandlers();
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        logger.setLevel(level);
    }

    /** Captures DEBUG (FINE) and above logged under {@code name}. */
    public static LogCapture debug(String name) {
        return new LogCapture(name, Level.FINE);
    }

    /** Every captured line's message, in order. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The captured lines containing {@code text}. */
    public List<LogRecord> containing(String text) {
        return records.stream().filter(r -> r.getMessage() != null && r.getMessage().contains(text)).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
        logger.setUseParentHandlers(previousUseParent);
    }
}
