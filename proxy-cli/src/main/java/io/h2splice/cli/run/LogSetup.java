package io.h2splice.cli.run;

import io.h2splice.cli.Version;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Sends every log line of the process (h2splice's own, and Netty's through its {@code InternalLogger}) through
 * {@code java.util.logging} to one {@link LineHandler} on stdout, plain or JSON as Dapr prints them.
 */
final class LogSetup {

    /** Held so that the level set on them is not lost when the logger is garbage collected. */
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger NETTY = Logger.getLogger("io.netty");

    private LogSetup() {
    }

    static void install(LogLevel level, boolean json, String appId, PrintStream out) {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        LogManager.getLogManager().reset();
        ZoneId zone = ZoneId.systemDefault();
        Formatter formatter = json
                ? new JsonLogFormatter(zone, appId, Version.number())
                : new PlainLogFormatter(zone, level == LogLevel.DEBUG);
        Handler handler = new LineHandler(out);
        handler.setFormatter(formatter);
        handler.setLevel(Level.ALL);
        ROOT.addHandler(handler);
        ROOT.setLevel(level.julLevel);
        // Netty's own debug output is about its internals (buffer pools, native transport); keep it at info or above.
        NETTY.setLevel(level.julLevel.intValue() < Level.INFO.intValue() ? Level.INFO : level.julLevel);
    }
}
