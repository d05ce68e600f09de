package io.h2splice.cli.run;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** One line per record: {@code time level scope msg}; a throwable follows the message, with its stack at debug. */
final class PlainLogFormatter extends Formatter {

    private final ZoneId zone;
    private final boolean stackTraces;

    PlainLogFormatter(ZoneId zone, boolean stackTraces) {
        this.zone = zone;
        this.stackTraces = stackTraces;
    }

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(160)
                .append(LogTime.format(r.getInstant(), zone)).append(' ')
                .append(LogLevel.daprName(r.getLevel())).append(' ')
                .append(LogTime.scope(r.getLoggerName())).append(' ')
                .append(formatMessage(r));
        Throwable t = r.getThrown();
        if (t != null) {
            b.append(": ").append(t);
            if (stackTraces) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                b.append('\n').append(trace.toString().stripTrailing());
            }
        }
        return b.append('\n').toString();
    }
}
