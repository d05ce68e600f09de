package io.h2splice.cli.log;

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
}
