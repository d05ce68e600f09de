package io.h2splice.cli.run;

import io.h2splice.cli.UsageException;
import java.util.Locale;
import java.util.logging.Level;

/** Dapr's log levels ({@code --log-level}) and the {@code java.util.logging} levels they map to. */
enum LogLevel {
    DEBUG("debug", Level.FINE),
    INFO("info", Level.INFO),
    WARN("warning", Level.WARNING),
    ERROR("error", Level.SEVERE),
    FATAL("fatal", Fatal.FATAL);

    /** How Dapr prints the level ({@code warning}, not {@code warn}). */
    final String daprName;
    final Level julLevel;

    LogLevel(String daprName, Level julLevel) {
        this.daprName = daprName;
        this.julLevel = julLevel;
    }

    /** Parses a {@code --log-level} value (any case). */
    static LogLevel parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "debug" -> DEBUG;
            case "info" -> INFO;
            case "warn", "warning" -> WARN;
            case "error" -> ERROR;
            case "fatal" -> FATAL;
            default -> throw new UsageException(
                    "--log-level must be one of debug, info, warn, error, fatal; got '" + value + "'");
        };
    }

    /** Dapr's name for a {@code java.util.logging} level. */
    static String daprName(Level level) {
        int v = level.intValue();
        if (v >= Fatal.FATAL.intValue()) {
            return FATAL.daprName;
        }
        if (v >= Level.SEVERE.intValue()) {
            return ERROR.daprName;
        }
        if (v >= Level.WARNING.intValue()) {
            return WARN.daprName;
        }
        if (v >= Level.INFO.intValue()) {
            return INFO.daprName;
        }
        return DEBUG.daprName;
    }

    /** A level above SEVERE, so that {@code --log-level fatal} silences errors. */
    static final class Fatal extends Level {
        static final Level FATAL = new Fatal();

        private Fatal() {
            super("FATAL", 1100);
        }
    }
}
