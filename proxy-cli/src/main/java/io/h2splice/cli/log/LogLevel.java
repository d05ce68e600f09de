package io.h2splice.cli.log;

import ch.qos.logback.classic.Level;
import io.h2splice.cli.UsageException;
import java.util.Locale;

/**
 * Dapr's log levels ({@code --log-level}) and the logback levels they map to. SLF4J has no fatal level: a fatal line
 * is an error with the {@link LogSetup#FATAL} marker, and {@code fatal} turns every other line off.
 */
public enum LogLevel {
    DEBUG("debug", Level.DEBUG),
    INFO("info", Level.INFO),
    WARN("warning", Level.WARN),
    ERROR("error", Level.ERROR),
    FATAL("fatal", Level.OFF);

    /** How Dapr (logrus) prints the level: {@code warning}, not {@code warn}. */
    final String daprName;
    /** The root logger's level. */
    final Level logback;

    LogLevel(String daprName, Level logback) {
        this.daprName = daprName;
        this.logback = logback;
    }

    /**
     * Parses a {@code --log-level} value (any case).
     *
     * @throws UsageException naming the flag and the allowed values
     */
    public static LogLevel parse(String value) {
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

    /** Dapr's name for a logback level ({@code trace} lines, never enabled, show as debug). */
    static String daprName(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> ERROR.daprName;
            case Level.WARN_INT -> WARN.daprName;
            case Level.INFO_INT -> INFO.daprName;
            default -> DEBUG.daprName;
        };
    }
}
