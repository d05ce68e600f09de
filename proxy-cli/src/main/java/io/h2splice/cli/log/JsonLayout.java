package io.h2splice.cli.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JSON object per line with daprd's fields ({@code --log-as-json}), in key order as Go's encoder writes a map:
 * {@code app_id, instance, level, msg, scope, time, type, ver}, with an event's key-value pairs among them (an API
 * call line adds {@code caller, code, duration, method, target, useragent}). Numbers and booleans stay JSON numbers
 * and booleans; anything else is a string. A throwable is summed up in {@code msg}.
 */
final class JsonLayout extends DaprLayout {

    JsonLayout(LogFields fields) {
        super(fields);
    }

    @Override
    public String doLayout(ILoggingEvent e) {
        Map<String, Object> all = new TreeMap<>(otherFields(e));
        all.put("level", level(e));
        all.put("msg", message(e));
        all.put("time", LogTime.format(e.getInstant(), fields.zone()));
        StringBuilder b = new StringBuilder(256).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> f : all.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            string(b, f.getKey()).append(':');
            value(b, f.getValue());
        }
        return b.append("}\n").toString();
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte) {
            b.append(v);
        } else if (v instanceof Double d && Double.isFinite(d) || v instanceof Float f && Float.isFinite(f)) {
            b.append(v);
        } else {
            string(b, v.toString());
        }
    }

    private static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, b);
        return b.append('"');
    }
}
