package io.h2splice.core.outbound;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.ApiTokens;
import io.h2splice.core.headers.HopHeaders;
import io.h2splice.core.hop.PeerIdentity;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.resiliency.ResiliencyPolicies;
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
 * The API listener's router: calls from the local application to other apps' sidecars (or, for its own app id and
 * namespace, straight to the local app). Its first step is the {@code DAPR_API_TOKEN} check ({@link ApiTokenCheck}),
 * before anything else is read, as Dapr's auth interceptor runs before its proxy; the token never goes further
 * ({@link HopHeaders} removes it on both routes).
 */
public final class OutboundRouter implements Router {

    private static final String DAPR_API_PREFIX = "/dapr.proto.runtime.v1.Dapr/";
    /** Built once: a denied call allocates nothing either. */
    private static final Route UNAUTHORIZED = Route.error(ProxyError.UNAUTHORIZED);

    private final String ownAppId;
    private final String ownNamespace;
    private final AsciiString ownAppIdAscii;
    private final AsciiString ownNamespaceAscii;
    private final Route ownApp;
    private final RouteCache cache = new RouteCache();
    private final ApiTokenCheck token;
    /** {@code APP_API_TOKEN} for calls to the own app, or null when not set. */
    private final AsciiString appToken;
    private final ProxyMetrics metrics;
    private final AccessListHolder accessLists;
    private final ResiliencyPolicies resiliency;

    /** A router for the sidecar of {@code ownAppId} in {@code ownNamespace}: no token, no access list, no policy. */
    public static Builder builder(String ownAppId, String ownNamespace) {
        return new Builder(ownAppId, ownNamespace);
    }

    private OutboundRouter(Builder b) {
        this.accessLists = b.accessLists;
        this.resiliency = b.resiliency;
        this.token = ApiTokenCheck.of(b.tokens.dapr());
        this.appToken = b.tokens.stampsApp() ? AsciiString.of(b.tokens.app()) : null;
        if (token.enabled() && b.metrics == null) {
            throw new IllegalArgumentException("metrics are required to count calls denied for the API token");
        }
        this.metrics = b.metrics;
        this.ownAppId = b.ownAppId;
        this.ownNamespace = b.ownNamespace;
        this.ownAppIdAscii = AsciiString.of(ownAppId);
        this.ownNamespaceAscii = AsciiString.of(ownNamespace);
        this.ownApp = Route.localApp(ownAppId, ownNamespace);
    }

    @Override
    public Route route(Http2Headers headers, PeerIdentity peer) {
        Route malformed = RequestShape.check(headers);
        if (malformed != null) {
            return malformed;
        }
        if (!token.allows(headers)) {
            metrics.apiTokenDenied(ProxyMetrics.TokenPort.GRPC);
            return UNAUTHORIZED;
        }
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
            Route refused = accessLists.refusal(null, headers.path());
            if (refused != null) {
                return refused;
            }
            HopHeaders.toOwnApp(headers, ownAppIdAscii, ownNamespaceAscii, appToken);
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
        Route remote = resiliency.isActive()
                ? Route.remote(r.appId(), r.namespace(), resiliency.forTarget(key.toString())) : r;
        return new RouteCache.Entry(remote, AsciiString.of(r.appId()));
    }

    /** What an {@link OutboundRouter} is made of; each part has a default. Used once, by one thread. */
    public static final class Builder {
        private final String ownAppId;
        private final String ownNamespace;
        private ApiTokens tokens = ApiTokens.none();
        private ProxyMetrics metrics;
        private AccessListHolder accessLists = new AccessListHolder(AccessList.NONE);
        private ResiliencyPolicies resiliency = ResiliencyPolicies.NONE;

        private Builder(String ownAppId, String ownNamespace) {
            this.ownAppId = Objects.requireNonNull(ownAppId, "ownAppId");
            this.ownNamespace = Objects.requireNonNull(ownNamespace, "ownNamespace");
        }

        /**
         * @param tokens  its {@code dapr} token, when set, is required on every call; its {@code app} token, when set,
         *                is what the app gets as {@code dapr-api-token} on calls to itself
         * @param metrics counts the calls denied for the token; may be null when no token is set
         */
        public Builder apiTokens(ApiTokens tokens, ProxyMetrics metrics) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            this.metrics = metrics;
            return this;
        }

        /**
         * @param accessLists checked for calls of the app to itself (Dapr: no caller identity, so the global default
         *                    decides); calls to other apps are checked by their callee
         */
        public Builder accessLists(AccessListHolder accessLists) {
            this.accessLists = Objects.requireNonNull(accessLists, "accessLists");
            return this;
        }

        /** @param resiliency the policies of calls to other apps, looked up once per routing key by its raw value */
        public Builder resiliency(ResiliencyPolicies resiliency) {
            this.resiliency = Objects.requireNonNull(resiliency, "resiliency");
            return this;
        }

        /** @throws IllegalArgumentException a token is set without metrics to count the calls it denies */
        public OutboundRouter build() {
            return new OutboundRouter(this);
        }
    }
}
