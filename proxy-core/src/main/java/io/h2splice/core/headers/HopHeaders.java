package io.h2splice.core.headers;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * Every header rewrite h2splice makes on a hop (the table "Headers on each hop" of COMPAT.md), in this one file. They
 * mutate the decoded headers in place; every other header, {@code -bin} included, is left byte for byte as it arrived.
 *
 * <p>Where each is applied: each listener's router applies its hop's rules in one call once it has the route, the API
 * listener's ({@code OutboundRouter}) {@link #toRemoteSidecar} or {@link #toOwnApp}, the internal listener's
 * ({@code InboundRouter}) {@link #toApp}. Two rules depend on more than the hop and are applied where that is known:
 * {@link #remainingTimeout} by each attempt as it opens its upstream stream (the time left is known only then), and
 * {@link #traceContext} by the tracer to a sampled call (it makes the span ids). docs/headers.md is
 * the table of these rules, header by header. Immutable rules, no state: safe on any thread.
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

    /**
     * Sidecar B → app, the whole hop: {@code dapr-app-id} never reaches the app; over mTLS the caller's app id and
     * namespace are stamped from its verified SPIFFE id ({@code verifiedCallerAppId}, null over h2c, where the calling
     * sidecar's stamps stay); {@code APP_API_TOKEN} ({@code appToken}, null when not set) replaces every
     * {@code dapr-api-token}, and without one none reaches the app. The rest is passed on.
     */
    public static void toApp(Http2Headers h, String verifiedCallerAppId, String verifiedCallerNamespace,
                             AsciiString appToken) {
        h.remove(HeaderNames.DAPR_APP_ID);
        if (verifiedCallerAppId != null) {
            stampVerifiedCaller(h, verifiedCallerAppId, verifiedCallerNamespace);
        }
        appToken(h, appToken);
    }

    private static void appToken(Http2Headers h, AsciiString appToken) {
        if (appToken == null) {
            h.remove(HeaderNames.DAPR_API_TOKEN);
        } else {
            h.set(HeaderNames.DAPR_API_TOKEN, appToken);
        }
    }

    private static void stampVerifiedCaller(Http2Headers h, String callerAppId, String callerNamespace) {
        h.set(HeaderNames.DAPR_CALLER_APP_ID, callerAppId);
        h.set(HeaderNames.DAPR_CALLER_NAMESPACE, callerNamespace);
    }

    /**
     * A call with a deadline, on every hop: {@code grpc-timeout} says the time left when the stream is opened
     * ({@code remainingNanos} &gt; 0), so the next hop and the app see the deadline the client set, less the time spent.
     */
    public static void remainingTimeout(Http2Headers h, long remainingNanos) {
        h.set(HeaderNames.GRPC_TIMEOUT, GrpcTimeout.format(remainingNanos));
    }

    /**
     * A sampled call's span context, on the hop after the sidecar that started its span: {@code traceparent} replaced
     * (Dapr appends instead: dapr/dapr PR #10463), and {@code grpc-trace-bin} too when the client sent one
     * ({@code grpcTraceBin} null otherwise). Applied by the tracer ({@code W3cTracer}), which makes the span ids.
     */
    public static void traceContext(Http2Headers h, CharSequence traceparent, CharSequence grpcTraceBin) {
        h.set(HeaderNames.TRACEPARENT, traceparent);
        if (grpcTraceBin != null) {
            h.set(HeaderNames.GRPC_TRACE_BIN, grpcTraceBin);
        }
    }

    /** A call to the sidecar's own app: both hops' rewrites at once (the caller is the app itself). */
    public static void toOwnApp(Http2Headers h, AsciiString ownAppId, AsciiString ownNamespace, AsciiString appToken) {
        toRemoteSidecar(h, ownAppId, ownAppId, ownNamespace);
        toApp(h, null, null, appToken);
    }
}
