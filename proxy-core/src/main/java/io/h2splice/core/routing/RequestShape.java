package io.h2splice.core.routing;

import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The shape every request must have before it is routed, on both listeners (RFC 9113 §8.3.1 and gRPC over HTTP/2):
 * {@code :method POST}, a {@code :scheme}, and a {@code :path} that is a gRPC method path ({@link
 * AppIds#isValidMethod}). Anything else is answered by the first sidecar, named, and never reaches an app. Netty's
 * HPACK decoder has already refused unknown, duplicated or misplaced pseudo-headers and connection-specific headers.
 *
 * <p>Threading: stateless. Allocates nothing for a well-formed request.
 */
public final class RequestShape {

    private static final AsciiString POST = AsciiString.cached("POST");
    /** How much of an offending value an error message shows. */
    private static final int SHOWN = 128;

    private RequestShape() {
    }

    /** @return null for a well-formed request, else the error that answers it */
    public static Route check(Http2Headers headers) {
        CharSequence method = headers.method();
        if (method == null) {
            return Route.error(ProxyError.MALFORMED_REQUEST, "no :method pseudo-header");
        }
        if (!POST.contentEquals(method)) {
            return Route.error(ProxyError.MALFORMED_REQUEST, ":method " + shown(method) + " (a gRPC call is a POST)");
        }
        if (headers.scheme() == null) {
            return Route.error(ProxyError.MALFORMED_REQUEST, "no :scheme pseudo-header");
        }
        CharSequence path = headers.path();
        if (path == null) {
            return Route.error(ProxyError.MALFORMED_REQUEST, "no :path pseudo-header");
        }
        if (!AppIds.isValidMethod(path)) {
            return Route.error(ProxyError.INVALID_METHOD, shown(path));
        }
        return null;
    }

    /** At most {@link #SHOWN} characters of {@code value}, with "..." when cut. */
    static String shown(CharSequence value) {
        return value.length() <= SHOWN ? AppIds.text(value) : AppIds.text(value.subSequence(0, SHOWN)) + "...";
    }
}
