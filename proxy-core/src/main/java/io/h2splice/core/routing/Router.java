package io.h2splice.core.routing;

import io.h2splice.core.hop.PeerIdentity;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Decides where a new call goes from its request HEADERS and rewrites the headers for the next hop.
 * One implementation per listener: {@code outbound} (API port) and {@code inbound} (internal port).
 *
 * <p>Threading: called on the downstream connection's event loop; must not block. It may mutate {@code headers}
 * in place: the same object is re-encoded by the upstream connection's HPACK encoder.
 */
public interface Router {

    /**
     * @param peer the verified identity of the calling sidecar on a secure hop, or null (plaintext, or the API port)
     */
    Route route(Http2Headers headers, PeerIdentity peer);
}
