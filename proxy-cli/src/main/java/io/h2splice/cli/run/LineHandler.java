package io.h2splice.cli.run;

import java.io.PrintStream;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Writes each formatted record to a stream and flushes it. Locks the stream for the whole record, as
 * {@link LinePump} does for an app line, so sidecar lines and {@code == APP ==} lines never interleave.
 */
final class LineHandler extends Handler {

    private final PrintStream out;

    LineHandler(PrintStream out) {
        this.out = out;
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(r);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        synchronized (out) {
            out.print(line);
            out.flush();
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
