package io.h2splice.core.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.Operation;
import io.h2splice.core.hop.PeerIdentity;
import io.h2splice.core.routing.Route;
import io.h2splice.core.status.GrpcStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The internal listener enforces the access list against the verified peer, never against headers. */
class AccessListRoutingTest {

    private static final PeerIdentity CLIENT = new PeerIdentity("spiffe://public/ns/default/client", "public",
            "default", "client");
    private static final PeerIdentity INTRUDER = new PeerIdentity("spiffe://public/ns/default/intruder", "public",
            "default", "intruder");

    private final AccessListHolder holder = new AccessListHolder(AccessList.compile(new AccessControl("deny", null,
            List.of(new AccessPolicy("client", "deny", "public", "default",
                    List.of(new Operation("/pkg.Svc/Open", List.of(), "allow")))))));
    private final InboundRouter router = InboundRouter.builder("server", "default").accessLists(holder).build();

    private static Http2Headers call(String path) {
        return new DefaultHttp2Headers().method("POST").scheme("http").path(path).add("dapr-callee-app-id", "server")
                .add("dapr-caller-app-id", "client").add("dapr-caller-namespace", "default");
    }

    @Test
    void allowedCallGoesToTheAppWithTheVerifiedCaller() {
        Http2Headers h = call("/pkg.Svc/Open");
        Route r = router.route(h, CLIENT);
        assertEquals(Route.Kind.LOCAL_APP, r.kind());
        assertEquals("client", h.get("dapr-caller-app-id").toString());
    }

    @Test
    void deniedCallGetsDaprsMessage() {
        Route r = router.route(call("/pkg.Svc/Closed"), CLIENT);
        assertEquals(Route.Kind.ERROR, r.kind());
        assertEquals(GrpcStatus.PERMISSION_DENIED, r.grpcStatus());
        assertEquals("access control policy has denied access to id: spiffe://public/ns/default/client "
                + "operation: /pkg.Svc/Closed verb: NONE", r.message());
    }

    @Test
    void spoofedCallerHeaderNeitherDecidesNorReachesTheApp() {
        // The intruder claims to be "client" in the headers; its certificate says otherwise.
        Route r = router.route(call("/pkg.Svc/Open"), INTRUDER);
        assertEquals(GrpcStatus.PERMISSION_DENIED, r.grpcStatus());
        // Without mTLS the header is not an identity either: the global default (deny) applies.
        r = router.route(call("/pkg.Svc/Open"), null);
        assertEquals(GrpcStatus.PERMISSION_DENIED, r.grpcStatus());
        assertEquals("access control policy has denied access to id:  operation: /pkg.Svc/Open verb: NONE",
                r.message());
        // Once allowed, the header the app sees is overwritten with the verified id.
        holder.swap(AccessList.compile(new AccessControl("allow", null, List.of())));
        Http2Headers h = call("/pkg.Svc/Open");
        router.route(h, INTRUDER);
        assertEquals("intruder", h.get("dapr-caller-app-id").toString());
    }

    @Test
    void craftedPathsAreRefusedBeforeAnyRule() {
        for (String path : List.of("/pkg.Svc/Open/../Closed", "/pkg.Svc/Open%2F..%2FClosed", "/pkg.Svc//Open",
                "/pkg.Svc/./Open", "/pkg.Svc/Open;x")) {
            Route r = router.route(call(path), CLIENT);
            assertEquals(GrpcStatus.INVALID_ARGUMENT, r.grpcStatus(), path);
            assertTrue(r.message().startsWith("invalid method: "), r.message());
        }
    }

    @Test
    void decisionsAreCounted() {
        router.route(call("/pkg.Svc/Open"), CLIENT);
        router.route(call("/pkg.Svc/Closed"), CLIENT);
        router.route(call("/pkg.Svc/Closed"), CLIENT);
        router.route(call("/pkg.Svc/Open"), null);
        String text = holder.metricsText();
        assertTrue(text.contains("dapr_runtime_acl_app_policy_action_allowed_total{app_id=\"client\","
                + "trustDomain=\"public\",namespace=\"default\"} 1\n"), text);
        assertTrue(text.contains("dapr_runtime_acl_app_policy_action_blocked_total{app_id=\"client\","
                + "trustDomain=\"public\",namespace=\"default\"} 2\n"), text);
        assertTrue(text.contains("dapr_runtime_acl_global_policy_action_blocked_total{app_id=\"\","
                + "trustDomain=\"\",namespace=\"\"} 1\n"), text);
        assertTrue(text.contains("# TYPE dapr_runtime_acl_app_policy_action_allowed_total counter\n"), text);
    }

    @Test
    void withoutAListNothingChanges() {
        InboundRouter plain = InboundRouter.builder("server", "default").build();
        assertEquals(Route.Kind.LOCAL_APP, plain.route(call("/pkg.Svc/b"), null).kind());
        // A path with dot segments is no gRPC method: refused at the door with or without a list (issue #14).
        assertEquals(GrpcStatus.INVALID_ARGUMENT, plain.route(call("/pkg.Svc/a/../b"), null).grpcStatus());
    }
}
