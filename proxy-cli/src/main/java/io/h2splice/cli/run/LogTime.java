package io.h2splice.cli.run;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Log timestamps: RFC 3339 with as many fraction digits as needed and the local offset (Go's RFC3339Nano). */
final class LogTime {

    private LogTime() {
    }

    static String format(Instant instant, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone));
    }

    /** The scope shown for a logger: its name without the leading {@code io.} ({@code h2splice.cli.run}). */
    static String scope(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return "h2splice";
        }
        return loggerName.startsWith("io.") ? loggerName.substring(3) : loggerName;
    }
}
