package io.h2splice.core.outbound;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.Operation;
import io.h2splice.core.routing.Route;
import io.h2splice.core.status.GrpcStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A call of the app to itself on the API port has no caller identity: as in Dapr, the list's global default decides
 * (no policy applies, not even one naming the app itself); calls to other apps are left to their callee.
 */
class SelfCallAccessListTest {

    private static final AccessList DENY_BY_DEFAULT = AccessList.compile(new AccessControl("deny", null, List.of(
            new AccessPolicy("server", "allow", "public", "default",
                    List.of(new Operation("/pkg.Svc/Open", List.of(), "allow"))))));

    private final AccessListHolder holder = new AccessListHolder(DENY_BY_DEFAULT);
    private final OutboundRouter router = OutboundRouter.builder("server", "default").accessLists(holder)
            .build();

    private static Http2Headers call(String appId, String path) {
        return new DefaultHttp2Headers().method("POST").scheme("http").path(path).add("dapr-app-id", appId);
    }

    @Test
    void aSelfCallGetsTheGlobalDefault() {
        Route r = router.route(call("server", "/pkg.Svc/Open"), null);
        assertEquals(Route.Kind.ERROR, r.kind());
        assertEquals(GrpcStatus.PERMISSION_DENIED, r.grpcStatus());
        assertEquals("access control policy has denied access to id:  operation: /pkg.Svc/Open verb: NONE",
                r.message());
        assertEquals(Route.Kind.ERROR, router.route(call("server", "/pkg.Svc/../Open"), null).kind(),
                "crafted paths are refused before the list");
    }

    @Test
    void callsToOtherAppsAreLeftToTheirCallee() {
        assertEquals(Route.Kind.REMOTE, router.route(call("other", "/pkg.Svc/Open"), null).kind());
    }

    @Test
    void anAllowingDefaultOrNoListLetsSelfCallsThrough() {
        holder.swap(AccessList.compile(new AccessControl("allow", null, List.of(
                new AccessPolicy("client", "deny", "public", "default", List.of())))));
        assertEquals(Route.Kind.LOCAL_APP, router.route(call("server", "/pkg.Svc/Open"), null).kind());
        holder.swap(AccessList.NONE);
        assertEquals(Route.Kind.LOCAL_APP, router.route(call("server", "/pkg.Svc/Open"), null).kind());
    }
}
