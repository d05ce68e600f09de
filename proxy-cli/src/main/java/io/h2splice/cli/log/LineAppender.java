package io.h2splice.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Writes each line to a stream with one {@code write} and a flush, holding the stream's lock for the line as
 * {@code LinePump} does for an app line, so sidecar lines and {@code == APP ==} lines never interleave. Before a
 * line, it reports the lines the queue in front of it dropped since the last report, as one warning.
 *
 * <p>Threading: called by one thread at a time (the asynchronous appender's worker; the calling thread for the
 * synchronous default of commands other than {@code run}).
 */
final class LineAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final PrintStream out;
    private final Layout<ILoggingEvent> layout;
    private LongSupplier dropped = () -> 0;
    private long reported;

    LineAppender(PrintStream out, Layout<ILoggingEvent> layout) {
        this.out = out;
        this.layout = layout;
        setName("h2splice-line");
    }

    /** Where to read how many lines were dropped in front of this appender (a running total). */
    void reportDropsOf(LongSupplier droppedTotal) {
        this.dropped = droppedTotal;
    }

    @Override
    protected void append(ILoggingEvent e) {
        reportDrops();
        write(layout.doLayout(e));
    }

    @Override
    public void stop() {
        if (isStarted()) {
            reportDrops();
        }
        super.stop();
    }

    private void reportDrops() {
        long total = dropped.getAsLong();
        if (total > reported) {
            long n = total - reported;
            reported = total;
            LoggerContext ctx = (LoggerContext) getContext();
            LoggingEvent warning = new LoggingEvent(LineAppender.class.getName(),
                    ctx.getLogger(LogSetup.class), Level.WARN,
                    "log queue full: dropped {} line(s) rather than make the proxy wait", null, new Object[] {n});
            write(layout.doLayout(warning));
        }
    }

    private void write(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }
}
