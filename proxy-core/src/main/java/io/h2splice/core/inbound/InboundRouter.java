package io.h2splice.core.inbound;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.headers.HopHeaders;
import io.h2splice.core.hop.PeerIdentity;
import io.h2splice.core.routing.AppIds;
import io.h2splice.core.routing.RequestShape;
import io.h2splice.core.routing.Route;
import io.h2splice.core.routing.RouteCache;
import io.h2splice.core.routing.Router;
import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The internal listener's router: calls from other sidecars, for this sidecar's app. It checks the method path
 * before anything else, never re-proxies a call meant for another app, and enforces the access list against the
 * caller's verified SPIFFE id (never a header).
 *
 * <p>With an access list, a method path that is not canonical ({@link MethodPaths}) is refused with
 * INVALID_ARGUMENT {@code invalid method}, as a malformed request (like {@code #} or {@code ?} already are), before
 * any rule sees it; without one, routing is unchanged.
 */
public final class InboundRouter implements Router {

    private final String ownAppId;
    private final String ownNamespace;
    private final Route ownApp;
    private final RouteCache cache = new RouteCache();
    private final AccessListHolder accessLists;

    public InboundRouter(String ownAppId, String ownNamespace) {
        this(ownAppId, ownNamespace, new AccessListHolder(AccessList.NONE));
    }

    /** @param accessLists the access list to enforce, read once per call */
    public InboundRouter(String ownAppId, String ownNamespace, AccessListHolder accessLists) {
        this.accessLists = accessLists;
        this.ownAppId = ownAppId;
        this.ownNamespace = ownNamespace;
        this.ownApp = Route.fromPeer(ownAppId, ownNamespace);
    }

    @Override
    public Route route(Http2Headers headers, PeerIdentity peer) {
        Route malformed = RequestShape.check(headers);
        if (malformed != null) {
            return malformed;
        }
        CharSequence path = headers.path();
        CharSequence key = AppIds.routingKey(headers);
        if (key == null) {
            return Route.error(ProxyError.MISSING_APP_ID);
        }
        Route route = cache.get(key, this::parse).route();
        if (route.kind() == Route.Kind.ERROR) {
            return route;
        }
        Route refused = accessLists.refusal(peer, path);
        if (refused != null) {
            return refused;
        }
        HopHeaders.toApp(headers);
        if (peer != null) {
            // mTLS: the caller is who its certificate says, whatever the headers claim.
            HopHeaders.stampVerifiedCaller(headers, peer.appId(), peer.namespace());
        }
        return route;
    }

    private RouteCache.Entry parse(AsciiString key) {
        Route target = AppIds.parse(key, ownNamespace);
        if (target.kind() != Route.Kind.ERROR
                && (!target.appId().equals(ownAppId) || !target.namespace().equals(ownNamespace))) {
            target = Route.error(ProxyError.WRONG_SIDECAR, key, ownAppId + "." + ownNamespace);
        } else if (target.kind() != Route.Kind.ERROR) {
            target = ownApp;
        }
        return new RouteCache.Entry(target, null);
    }
}
