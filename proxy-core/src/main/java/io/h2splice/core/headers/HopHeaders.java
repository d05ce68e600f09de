package io.h2splice.core.headers;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The header rewrites of COMPAT.md "Headers on each hop". They mutate the decoded headers in place; every other
 * header, {@code -bin} included, is left byte for byte as it arrived.
 */
public final class HopHeaders {

    private HopHeaders() {
    }

    /** Sidecar A → sidecar B: drop {@code dapr-app-id} and the API token, stamp callee, caller and caller namespace. */
    public static void toRemoteSidecar(Http2Headers h, AsciiString calleeAppId, AsciiString callerAppId,
                                       AsciiString callerNamespace) {
        h.remove(HeaderNames.DAPR_APP_ID);
        h.remove(HeaderNames.DAPR_API_TOKEN);
        h.set(HeaderNames.DAPR_CALLEE_APP_ID, calleeAppId);
        h.set(HeaderNames.DAPR_CALLER_APP_ID, callerAppId);
        h.set(HeaderNames.DAPR_CALLER_NAMESPACE, callerNamespace);
    }

    /** Sidecar B → app: {@code dapr-app-id} and the API token never reach the app; the rest is passed on. */
    public static void toApp(Http2Headers h) {
        h.remove(HeaderNames.DAPR_APP_ID);
        h.remove(HeaderNames.DAPR_API_TOKEN);
    }

    /**
     * Any call delivered to the app, on either listener, after the route's own rewrite: {@code APP_API_TOKEN}
     * ({@code appToken}, null when not set) replaces every {@code dapr-api-token}; without one, none reaches the app.
     */
    public static void appToken(Http2Headers h, AsciiString appToken) {
        if (appToken == null) {
            h.remove(HeaderNames.DAPR_API_TOKEN);
        } else {
            h.set(HeaderNames.DAPR_API_TOKEN, appToken);
        }
    }

    /** Sidecar B → app over mTLS: the caller's app id and namespace come from its verified SPIFFE id. */
    public static void stampVerifiedCaller(Http2Headers h, String callerAppId, String callerNamespace) {
        h.set(HeaderNames.DAPR_CALLER_APP_ID, callerAppId);
        h.set(HeaderNames.DAPR_CALLER_NAMESPACE, callerNamespace);
    }

    /** A call to the sidecar's own app: both hops' rewrites at once. */
    public static void toOwnApp(Http2Headers h, AsciiString ownAppId, AsciiString ownNamespace) {
        toRemoteSidecar(h, ownAppId, ownAppId, ownNamespace);
        toApp(h);
    }
}
