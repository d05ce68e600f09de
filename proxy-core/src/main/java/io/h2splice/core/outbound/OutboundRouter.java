package io.h2splice.core.outbound;

import io.h2splice.core.headers.HopHeaders;
import io.h2splice.core.routing.AppIds;
import io.h2splice.core.routing.Route;
import io.h2splice.core.routing.RouteCache;
import io.h2splice.core.routing.Router;
import io.h2splice.core.splice.PeerIdentity;
import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The API listener's router: calls from the local application to other apps' sidecars (or, for its own app id and
 * namespace, straight to the local app).
 */
public final class OutboundRouter implements Router {

    private static final String DAPR_API_PREFIX = "/dapr.proto.runtime.v1.Dapr/";

    private final String ownAppId;
    private final String ownNamespace;
    private final AsciiString ownAppIdAscii;
    private final AsciiString ownNamespaceAscii;
    private final Route ownApp;
    private final RouteCache cache = new RouteCache();

    public OutboundRouter(String ownAppId, String ownNamespace) {
        this.ownAppId = ownAppId;
        this.ownNamespace = ownNamespace;
        this.ownAppIdAscii = AsciiString.of(ownAppId);
        this.ownNamespaceAscii = AsciiString.of(ownNamespace);
        this.ownApp = Route.localApp(ownAppId, ownNamespace);
    }

    @Override
    public Route route(Http2Headers headers, PeerIdentity peer) {
        CharSequence key = AppIds.routingKey(headers);
        if (key == null) {
            CharSequence path = headers.path();
            if (path != null && path.toString().startsWith(DAPR_API_PREFIX)) {
                return Route.error(ProxyError.DAPR_API_NOT_SERVED, path);
            }
            return Route.error(ProxyError.MISSING_APP_ID);
        }
        RouteCache.Entry target = cache.get(key, this::parse);
        Route route = target.route();
        if (route.kind() == Route.Kind.ERROR) {
            return route;
        }
        if (route == ownApp) {
            HopHeaders.toOwnApp(headers, ownAppIdAscii, ownNamespaceAscii);
        } else {
            HopHeaders.toRemoteSidecar(headers, target.callee(), ownAppIdAscii, ownNamespaceAscii);
        }
        return route;
    }

    private RouteCache.Entry parse(AsciiString key) {
        Route r = AppIds.parse(key, ownNamespace);
        if (r.kind() == Route.Kind.ERROR) {
            return new RouteCache.Entry(r, null);
        }
        if (r.appId().equals(ownAppId) && r.namespace().equals(ownNamespace)) {
            return new RouteCache.Entry(ownApp, ownAppIdAscii);
        }
        return new RouteCache.Entry(r, AsciiString.of(r.appId()));
    }
}
