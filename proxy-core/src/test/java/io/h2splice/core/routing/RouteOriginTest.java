package io.h2splice.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.inbound.InboundRouter;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

/** Which listener a call came in on, as {@code ApiLog} reads it: only the internal listener's routes are from a peer. */
class RouteOriginTest {

    private static Http2Headers call(String appId) {
        return new DefaultHttp2Headers().method("POST").scheme("http").path("/pkg.Svc/Method").add("dapr-app-id", appId);
    }

    @Test
    void onlyTheInternalListenersCallsComeFromAPeer() {
        Route fromPeer = InboundRouter.builder("server", "default").build().route(call("server"), null);
        assertEquals(Route.Kind.LOCAL_APP, fromPeer.kind());
        assertTrue(fromPeer.fromPeer());

        Route ownApp = OutboundRouter.builder("server", "default").build().route(call("server"), null);
        assertEquals(Route.Kind.LOCAL_APP, ownApp.kind());
        assertFalse(ownApp.fromPeer());

        Route remote = OutboundRouter.builder("client", "default").build().route(call("server"), null);
        assertEquals(Route.Kind.REMOTE, remote.kind());
        assertFalse(remote.fromPeer());
        assertFalse(Route.error(ProxyError.MISSING_APP_ID).fromPeer());
    }
}
