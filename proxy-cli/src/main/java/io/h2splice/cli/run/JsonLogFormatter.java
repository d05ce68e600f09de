package io.h2splice.cli.run;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line with Dapr's fields, in Dapr's (alphabetical) order:
 * {@code app_id, level, msg, scope, time, type, ver}. A throwable is appended to {@code msg}.
 */
final class JsonLogFormatter extends Formatter {

    private final ZoneId zone;
    private final String appId;
    private final String version;

    JsonLogFormatter(ZoneId zone, String appId, String version) {
        this.zone = zone;
        this.appId = appId;
        this.version = version;
    }

    @Override
    public String format(LogRecord r) {
        String msg = formatMessage(r);
        if (r.getThrown() != null) {
            msg = msg + ": " + r.getThrown();
        }
        StringBuilder b = new StringBuilder(200).append('{');
        field(b, "app_id", appId).append(',');
        field(b, "level", LogLevel.daprName(r.getLevel())).append(',');
        field(b, "msg", msg).append(',');
        field(b, "scope", LogTime.scope(r.getLoggerName())).append(',');
        field(b, "time", LogTime.format(r.getInstant(), zone)).append(',');
        field(b, "type", "log").append(',');
        field(b, "ver", version);
        return b.append("}\n").toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value == null ? "" : value, b);
        return b.append('"');
    }
}
