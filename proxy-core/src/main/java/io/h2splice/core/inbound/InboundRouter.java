package io.h2splice.core.inbound;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.ApiTokens;
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

import java.util.Objects;

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
    /** {@code APP_API_TOKEN}, or null when not set. */
    private final AsciiString appToken;

    /** The router of the internal listener of app {@code ownAppId}: no access list and no app token unless set. */
    public static Builder builder(String ownAppId, String ownNamespace) {
        return new Builder(ownAppId, ownNamespace);
    }

    private InboundRouter(Builder b) {
        this.accessLists = b.accessLists;
        this.ownAppId = b.ownAppId;
        this.ownNamespace = b.ownNamespace;
        this.ownApp = Route.fromPeer(ownAppId, ownNamespace);
        this.appToken = b.tokens.stampsApp() ? AsciiString.of(b.tokens.app()) : null;
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
        // mTLS: the caller is who its certificate says, whatever the headers claim.
        HopHeaders.toApp(headers, peer == null ? null : peer.appId(), peer == null ? null : peer.namespace(), appToken);
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

    /** What an {@link InboundRouter} is made of; used once, where the sidecar is built. */
    public static final class Builder {
        private final String ownAppId;
        private final String ownNamespace;
        private AccessListHolder accessLists = new AccessListHolder(AccessList.NONE);
        private ApiTokens tokens = ApiTokens.none();

        private Builder(String ownAppId, String ownNamespace) {
            this.ownAppId = Objects.requireNonNull(ownAppId, "ownAppId");
            this.ownNamespace = Objects.requireNonNull(ownNamespace, "ownNamespace");
        }

        /** @param accessLists the access list to enforce, read once per call */
        public Builder accessLists(AccessListHolder accessLists) {
            this.accessLists = Objects.requireNonNull(accessLists, "accessLists");
            return this;
        }

        /** @param tokens its {@code app} token, when set, is what the app gets as {@code dapr-api-token} */
        public Builder apiTokens(ApiTokens tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        public InboundRouter build() {
            return new InboundRouter(this);
        }
    }
}
