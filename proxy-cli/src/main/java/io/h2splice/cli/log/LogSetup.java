package io.h2splice.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.h2splice.cli.Version;
import io.h2splice.core.metrics.PrometheusText;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;

/**
 * Configures logback, in code (no XML is looked for or parsed), for every log line of the process: h2splice's own,
 * and Netty's through its {@code InternalLogger}, all through SLF4J.
 *
 * <p>{@code run} {@linkplain #install installs} the sidecar's setup: Dapr's plain or JSON lines on stdout, behind a
 * bounded queue that a worker thread drains, so no thread that logs (an event loop) waits for the console; a full
 * queue drops lines and counts them. {@link #close} writes what is queued and goes back to the default; it runs at the
 * end of {@code run} and from a shutdown hook, so a final line is not lost. Other commands keep the default: plain
 * lines at info on stderr, written synchronously ({@link DefaultLogConfigurator}).
 */
public final class LogSetup {

    /** Marks an error line that ends the process: printed as {@code level=fatal}, and shown at {@code fatal}. */
    public static final Marker FATAL = new BasicMarkerFactory().getMarker("FATAL");

    /** Lines the queue holds; beyond this, new lines are dropped (about 4 MB of lines at the most). */
    static final int QUEUE_LINES = 8192;

    private static DroppingAsyncAppender installed;
    private static boolean hooked;

    private LogSetup() {
    }

    /**
     * The sidecar's logging: Dapr's lines ({@code json} or plain) for {@code appId} on {@code out}, at {@code level};
     * API call lines at info whatever the level, as daprd.
     *
     * @param env where {@code HOSTNAME} is read from when the kernel's host name cannot be
     */
    public static void install(LogLevel level, boolean json, String appId, PrintStream out, Map<String, String> env) {
        install(level, json, new LogFields(appId, LogFields.hostname(env), Version.number(), ZoneId.systemDefault()),
                out, QUEUE_LINES);
    }

    /** @return the queue in front of {@code out}, or null when SLF4J is bound to another backend (left alone) */
    static synchronized DroppingAsyncAppender install(LogLevel level, boolean json, LogFields fields, PrintStream out,
                                                      int queueLines) {
        LoggerContext ctx = context();
        if (ctx == null) {
            return null;
        }
        InternalLoggerFactory.setDefaultFactory(Slf4JLoggerFactory.INSTANCE);
        ctx.reset(); // stops the previous appenders, writing what they had queued
        DaprLayout layout = json ? new JsonLayout(fields) : new PlainLayout(fields, level == LogLevel.DEBUG);
        layout.setContext(ctx);
        layout.start();
        LineAppender line = new LineAppender(out, layout);
        line.setContext(ctx);
        line.start();
        DroppingAsyncAppender queue = new DroppingAsyncAppender(queueLines);
        queue.setContext(ctx);
        queue.addAppender(line);
        queue.start();
        line.reportDropsOf(queue::dropped);
        levels(ctx, level);
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(queue);
        installed = queue;
        if (!hooked) {
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(LogSetup::close, "h2splice-log-flush"));
        }
        return queue;
    }

    /**
     * Writes every queued line (waiting at most {@value DroppingAsyncAppender#MAX_FLUSH_MILLIS} ms when the output is
     * stuck), then goes back to the default. Does nothing when {@link #install} was not called since the last close.
     */
    public static synchronized void close() {
        if (installed == null) {
            return;
        }
        installed = null;
        LoggerContext ctx = context();
        ctx.reset();
        configureDefault(ctx, System.err);
    }

    /** Lines dropped because the queue was full, since {@link #install}. */
    public static synchronized long droppedLines() {
        return installed == null ? 0 : installed.dropped();
    }

    /** {@link #droppedLines()} as a Prometheus counter family, for the metrics page. */
    public static String metricsText() {
        StringBuilder out = new StringBuilder(200);
        PrometheusText.counter(out, "h2splice_log_lines_dropped_total",
                "Log lines dropped because the asynchronous queue was full.", droppedLines());
        return out.toString();
    }

    /** Plain lines at info on {@code err}, written by the thread that logs: for commands other than {@code run}. */
    static void configureDefault(LoggerContext ctx, PrintStream err) {
        PlainLayout layout = new PlainLayout(
                new LogFields("", LogFields.hostname(Map.of()), Version.number(), ZoneId.systemDefault()), false);
        layout.setContext(ctx);
        layout.start();
        LineAppender line = new LineAppender(err, layout);
        line.setContext(ctx);
        line.start();
        levels(ctx, LogLevel.INFO);
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(line);
    }

    private static void levels(LoggerContext ctx, LogLevel level) {
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(level.logback);
        // Netty's debug output is about its internals (buffer pools, native transport): info at the most.
        ctx.getLogger("io.netty").setLevel(level == LogLevel.DEBUG ? Level.INFO : null);
        // ... and its HTTP/2 decoder says "ignoring DATA frame for stream N" at info for every frame a peer sends on a
        // stream already reset: a peer could write the log full of it, so that is shown at debug only.
        ctx.getLogger("io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder")
                .setLevel(level == LogLevel.DEBUG ? Level.INFO : Level.WARN);
        // daprd logs API calls at info whatever --log-level (apiServerInfoLogger.SetOutputLevel(info)).
        ctx.getLogger(Scope.API_LOGGER).setLevel(Level.INFO);
        if (level == LogLevel.FATAL) {
            ctx.addTurboFilter(new FatalLines());
        }
    }

    private static LoggerContext context() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null;
    }
}
