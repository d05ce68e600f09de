/**
 * Where a call goes, decided once from its request HEADERS. A {@link io.h2splice.core.routing.Router}
 * ({@link io.h2splice.core.outbound.OutboundRouter} on the API listener, {@link io.h2splice.core.inbound.InboundRouter}
 * on the internal one; called by the splice's {@code DownstreamHandler}) answers with a
 * {@link io.h2splice.core.routing.Route}: this sidecar's app, another app's sidecar (with the resiliency
 * {@link io.h2splice.core.resiliency.CallPolicy} of its target), or an error the proxy answers itself. What both
 * routers share: {@link io.h2splice.core.routing.RequestShape} (what a request must be to be routed at all),
 * {@link io.h2splice.core.routing.AppIds} (the routing key, {@code app} or {@code app.namespace}, and method paths)
 * and {@link io.h2splice.core.routing.RouteCache} (parsed keys: a call to an app seen before costs one lookup).
 *
 * <p>Depends on headers, hop, resiliency and status only; acl, the routers and the splice depend on it, never the
 * reverse. A {@code Router} runs on the downstream connection's event loop and must not block. {@code Route}s are
 * immutable, a router's {@code RouteCache} is shared by every event loop (a {@code ConcurrentHashMap}), and
 * {@code AppIds} and {@code RequestShape} are stateless: all safe on any thread.
 */
package io.h2splice.core.routing;
