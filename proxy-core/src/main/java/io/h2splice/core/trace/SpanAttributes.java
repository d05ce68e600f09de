package io.h2splice.core.trace;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.Arrays;
import java.util.Map;

/**
 * A span's attributes as Dapr sets them: every request header whose name starts with {@code dapr-} and does not end
 * in {@code -bin}, with its first value. Secrets never become attributes: {@code dapr-api-token} and any other name
 * with {@code token} in it are left out (the hop rewrite has already removed the API token; this does not rely on
 * it). At most {@link #MAX} attributes, so a client cannot make a span hold an unbounded header set.
 *
 * <p>Runs only for a sampled call.
 */
final class SpanAttributes {

    static final int MAX = 32;
    private static final String[] NONE = new String[0];
    private static final AsciiString DAPR_PREFIX = AsciiString.cached("dapr-");
    private static final AsciiString BIN_SUFFIX = AsciiString.cached("-bin");
    private static final AsciiString TOKEN = AsciiString.cached("token");

    private SpanAttributes() {
    }

    /** @return name, value pairs in header order */
    static String[] of(Http2Headers headers) {
        String[] out = NONE;
        int n = 0;
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            if (!included(name) || contains(out, n, name)) {
                continue;
            }
            if (n == MAX * 2) {
                break;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, Math.max(8, n * 2));
            }
            out[n++] = name.toString();
            out[n++] = e.getValue().toString();
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    static boolean included(CharSequence name) {
        return AsciiString.regionMatches(name, true, 0, DAPR_PREFIX, 0, DAPR_PREFIX.length())
                && !AsciiString.regionMatches(name, true, name.length() - BIN_SUFFIX.length(), BIN_SUFFIX, 0,
                        BIN_SUFFIX.length())
                // not AsciiString.containsIgnoreCase: it misses a match that starts inside a partial one ("toktoken")
                && AsciiString.indexOfIgnoreCaseAscii(name, TOKEN, 0) < 0;
    }

    private static boolean contains(String[] pairs, int n, CharSequence name) {
        for (int i = 0; i < n; i += 2) {
            if (AsciiString.contentEqualsIgnoreCase(pairs[i], name)) {
                return true;
            }
        }
        return false;
    }
}
