package io.h2splice.core.routing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.status.ProxyError;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A routing key ({@code dapr-callee-app-id} or {@code dapr-app-id}) as a client sends it: any bytes, which Netty hands
 * over as an {@link AsciiString}. {@link AppIds#parse} must split it as COMPAT.md "Routing" says or name the error,
 * and {@link RouteCache} must answer the same route for the same key and never keep a key over
 * {@link AppIds#MAX_ROUTING_KEY_LENGTH}. Seeds: {@code AppIdsFuzzTestInputs/routingKey}.
 */
class AppIdsFuzzTest {

    private static final String OWN_NAMESPACE = "default";

    @FuzzTest
    void routingKey(byte[] data) {
        AsciiString key = new AsciiString(data);
        Route r = AppIds.parse(key, OWN_NAMESPACE);
        String text = new String(data, StandardCharsets.UTF_8).trim();
        switch (r.kind()) {
            case ERROR -> {
                assertTrue(r.grpcStatus() != 0, r.toString());
                assertNotNull(r.message());
                assertTrue(text.isEmpty() || text.indexOf('.') >= 0 || unusable(text),
                        "an error for a usable key with no dot: " + r);
            }
            case REMOTE -> {
                assertFalse(unusable(text), "a key no sidecar can have was routed: " + r);
                assertFalse(r.appId().isEmpty(), r.toString());
                assertFalse(r.namespace().isEmpty(), r.toString());
                assertFalse(r.appId().contains(".") || r.namespace().contains("."), r.toString());
                if (text.indexOf('.') < 0) {
                    assertEquals(OWN_NAMESPACE, r.namespace());
                    assertEquals(text, r.appId());
                } else {
                    assertEquals(text, r.appId() + "." + r.namespace());
                }
            }
            default -> fail("parse routes nowhere but REMOTE or ERROR: " + r);
        }

        Http2Headers h = new DefaultHttp2Headers(false).set(HeaderNames.DAPR_APP_ID, "ignored")
                .set(HeaderNames.DAPR_CALLEE_APP_ID, key);
        assertSame(key, AppIds.routingKey(h), "dapr-callee-app-id comes first");
        h.remove(HeaderNames.DAPR_CALLEE_APP_ID);
        assertEquals("ignored", AppIds.routingKey(h).toString());

        RouteCache cache = new RouteCache();
        RouteCache.Entry e = cache.get(key, k -> new RouteCache.Entry(AppIds.parse(k, OWN_NAMESPACE), k));
        if (key.length() > AppIds.MAX_ROUTING_KEY_LENGTH) {
            assertEquals(0, cache.size(), "a key over the limit was kept");
            assertEquals(ProxyError.APP_ID_TOO_LONG.code(), e.route().grpcStatus());
            assertNull(e.callee());
            assertTrue(e.route().message().contains(Integer.toString(key.length())), e.route().message());
        } else {
            assertEquals(r.toString(), e.route().toString());
            assertSame(e, cache.get(new AsciiString(data), k -> fail("parsed twice")), "a second lookup is a hit");
            assertSame(e, cache.get(key.toString(), k -> fail("parsed twice")), "a String key finds it too");
            assertEquals(1, cache.size());
        }
    }

    /** '/', '\\', whitespace or a control character: in no app id or namespace a sidecar can have. */
    private static boolean unusable(String key) {
        return key.chars().anyMatch(c -> c == '/' || c == '\\' || Character.isWhitespace(c)
                || Character.isISOControl(c));
    }
}
