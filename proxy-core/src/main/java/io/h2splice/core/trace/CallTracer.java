package io.h2splice.core.trace;

import io.netty.handler.codec.http2.Http2Headers;

/**
 * Decides, per call, whether it is traced and starts its span. Called on the call's event loop at its request
 * HEADERS, before they are forwarded; so it may rewrite the trace headers ({@code traceparent}, {@code tracestate})
 * in place for the next hop.
 *
 * <p>Contract for implementations: an unsampled call must not allocate and must return {@code null}; nothing may
 * block or take a lock (spans are exported off the event loop).
 */
public interface CallTracer {

    /** Tracing off: every call untraced, nothing rewritten. */
    CallTracer OFF = (headers, server) -> null;

    /**
     * @param headers the request HEADERS about to be forwarded (mutable; owned by the call)
     * @param server  true on the callee's sidecar (the call goes to this sidecar's own app): a SERVER span;
     *                false on the caller's (the call goes to another app's sidecar): a CLIENT span
     * @return the started span, or null when the call is not sampled
     */
    TracedCall start(Http2Headers headers, boolean server);
}
