package io.h2splice.core.routing;

import io.netty.util.AsciiString;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parsed routing keys, so that a call to an app seen before costs one hash lookup and no allocation. Routes are
 * immutable and shared by every event loop; the map is bounded in entries (cleared when full, which only costs
 * re-parsing) and in key length: a key longer than {@link AppIds#MAX_ROUTING_KEY_LENGTH} is answered with an error
 * and never kept.
 */
public final class RouteCache {

    /** A routed target and the {@code dapr-callee-app-id} value to stamp, ready to use. */
    public record Entry(Route route, AsciiString callee) {
    }

    private static final int MAX_ENTRIES = 4096;

    private final ConcurrentHashMap<AsciiString, Entry> entries = new ConcurrentHashMap<>();

    public Entry get(CharSequence key, Function<AsciiString, Entry> parse) {
        if (key.length() > AppIds.MAX_ROUTING_KEY_LENGTH) {
            return new Entry(AppIds.tooLong(key), null);
        }
        AsciiString k = key instanceof AsciiString a ? a : new AsciiString(key);
        Entry e = entries.get(k);
        if (e == null) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            e = entries.computeIfAbsent(k, parse);
        }
        return e;
    }

    /** Keys cached now (tests). */
    int size() {
        return entries.size();
    }
}
