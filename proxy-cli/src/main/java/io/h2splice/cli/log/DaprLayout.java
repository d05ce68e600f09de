package io.h2splice.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * What the plain and JSON lines share: Dapr's level names, the message with a throwable's summary, and the fields
 * besides {@code time}, {@code level} and {@code msg} in key order, as Go's encoders write them. Key-value pairs of
 * an event ({@code atInfo().addKeyValue(k, v)}) are fields of their own; one that would clash with a fixed field is
 * renamed {@code fields.<key>}, as logrus does.
 *
 * <p>Threading: runs on the asynchronous appender's worker, never on the thread that logged.
 */
abstract class DaprLayout extends LayoutBase<ILoggingEvent> {

    private static final Set<String> FIXED = Set.of("time", "level", "msg", "app_id", "instance", "scope", "type", "ver");

    final LogFields fields;

    DaprLayout(LogFields fields) {
        this.fields = fields;
    }

    /** {@code fatal} for an error with the {@link LogSetup#FATAL} marker, else Dapr's name of the level. */
    static String level(ILoggingEvent e) {
        if (e.getLevel() == Level.ERROR && hasFatalMarker(e)) {
            return LogLevel.FATAL.daprName;
        }
        return LogLevel.daprName(e.getLevel());
    }

    static boolean hasFatalMarker(ILoggingEvent e) {
        List<Marker> markers = e.getMarkerList();
        if (markers != null) {
            for (Marker m : markers) {
                if (m.contains(LogSetup.FATAL)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The formatted message, then {@code ": "} and the throwable as {@link Throwable#toString()} prints it. */
    static String message(ILoggingEvent e) {
        String msg = e.getFormattedMessage();
        IThrowableProxy t = e.getThrowableProxy();
        if (t == null) {
            return msg == null ? "" : msg;
        }
        String thrown = t.getMessage() == null ? t.getClassName() : t.getClassName() + ": " + t.getMessage();
        return (msg == null ? "" : msg) + ": " + thrown;
    }

    /** Every field but {@code time}, {@code level} and {@code msg}, sorted by key. */
    final Map<String, Object> otherFields(ILoggingEvent e) {
        Scope scope = Scope.of(e.getLoggerName());
        Map<String, Object> m = new TreeMap<>();
        m.put("app_id", fields.appId());
        m.put("instance", fields.instance());
        m.put("scope", scope.name());
        m.put("type", scope.type());
        m.put("ver", fields.version());
        List<KeyValuePair> pairs = e.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair kv : pairs) {
                String key = String.valueOf(kv.key);
                m.put(FIXED.contains(key) ? "fields." + key : key, kv.value);
            }
        }
        return m;
    }
}
