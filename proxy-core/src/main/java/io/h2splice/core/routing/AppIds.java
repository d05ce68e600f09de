package io.h2splice.core.routing;

import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/** Reads the routing key and splits {@code app} / {@code app.namespace} (COMPAT.md "Routing"). */
public final class AppIds {

    /**
     * The longest routing key there can be: an app id of 64 characters (Dapr's Sentry limit), a dot and a namespace
     * of 63 (a DNS label). A longer key is refused at once and never cached, logged whole or used as a label.
     */
    public static final int MAX_ROUTING_KEY_LENGTH = 64 + 1 + 63;
    /** How much of a too-long key an error message shows. */
    private static final int SHOWN = 64;

    private AppIds() {
    }

    /** The error for a key over {@link #MAX_ROUTING_KEY_LENGTH}: its first 64 characters and its length. */
    public static Route tooLong(CharSequence key) {
        return Route.error(ProxyError.APP_ID_TOO_LONG, text(key.subSequence(0, SHOWN)), key.length());
    }

    /** {@code dapr-callee-app-id} first, else {@code dapr-app-id}; first value only; null when both are absent. */
    public static CharSequence routingKey(Http2Headers headers) {
        CharSequence id = headers.get(HeaderNames.DAPR_CALLEE_APP_ID);
        return id != null ? id : headers.get(HeaderNames.DAPR_APP_ID);
    }

    /**
     * Splits a routing key on a single dot.
     *
     * @return a {@link Route#remote} naming the app and namespace (the caller decides whether it is local), or an
     *         error route for an empty id, one with more than one dot, or one with a character no app id can have
     */
    public static Route parse(CharSequence key, String ownNamespace) {
        String raw = text(key).trim();
        if (raw.isEmpty()) {
            return Route.error(ProxyError.EMPTY_APP_ID);
        }
        int bad = RegistryEntry.unusableAt(raw); // no sidecar's app id or namespace can have it: not looked up
        if (bad >= 0) {
            return Route.error(ProxyError.UNUSABLE_APP_ID, RegistryEntry.printable(raw),
                    RegistryEntry.describe(raw.charAt(bad)));
        }
        int dot = raw.indexOf('.');
        if (dot < 0) {
            return Route.remote(raw, ownNamespace);
        }
        if (raw.indexOf('.', dot + 1) >= 0 || dot == 0 || dot == raw.length() - 1) {
            return Route.error(ProxyError.INVALID_APP_ID, raw);
        }
        return Route.remote(raw.substring(0, dot), raw.substring(dot + 1));
    }

    /**
     * A header value as the client wrote it: HPACK carries bytes, which Netty shows as Latin-1 characters; read them
     * as UTF-8, so that an error message (percent-encoded once, as UTF-8, by {@code TrailersOnly}) shows the id the
     * client sent, not its bytes encoded twice.
     */
    static String text(CharSequence value) {
        if (value instanceof AsciiString a) {
            return new String(a.array(), a.arrayOffset(), a.length(), StandardCharsets.UTF_8);
        }
        return value.toString();
    }

    /**
     * A gRPC method path: {@code /<service>/<method>}, both non-empty, neither {@code .} nor {@code ..}, with no other
     * {@code /}, and no '#', '?', NUL or control character (Dapr v1.18 #9805 refuses those on the internal port).
     */
    public static boolean isValidMethod(CharSequence path) {
        if (path == null || path.length() < 4 || path.charAt(0) != '/') {
            return false;
        }
        int slash = -1;
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '#' || c == '?' || c < 0x20 || c == 0x7f) {
                return false;
            }
            if (c == '/') {
                if (slash >= 0) {
                    return false; // a third segment
                }
                slash = i;
            }
        }
        return slash > 1 && slash < path.length() - 1 && !isDotSegment(path, 1, slash)
                && !isDotSegment(path, slash + 1, path.length());
    }

    private static boolean isDotSegment(CharSequence s, int from, int to) {
        int n = to - from;
        return (n == 1 || n == 2) && s.charAt(from) == '.' && (n == 1 || s.charAt(from + 1) == '.');
    }
}
