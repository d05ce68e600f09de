package io.h2splice.core.routing;

import io.h2splice.core.status.GrpcStatus;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing keys are bounded in length before anything is kept: a 1 MiB app id costs one error, not a cache entry. */
class RouteCacheTest {

    private final RouteCache cache = new RouteCache();

    private RouteCache.Entry route(CharSequence key) {
        return cache.get(key, k -> new RouteCache.Entry(AppIds.parse(k, "default"), null));
    }

    @Test
    void aKeyLongerThanAnAppIdAndNamespaceIsRefusedAndNotKept() {
        for (int i = 0; i < 300; i++) {
            RouteCache.Entry e = route(new AsciiString(i + "s".repeat(1 << 20)));
            assertEquals(Route.Kind.ERROR, e.route().kind());
            assertEquals(GrpcStatus.INVALID_ARGUMENT, e.route().grpcStatus());
            assertTrue(e.route().message().length() < 200, "the message shows a prefix: " + e.route().message().length());
            int length = Integer.toString(i).length() + (1 << 20);
            assertTrue(e.route().message().matches("invalid app id \\d+s+\\.\\.\\.: " + length
                    + " characters, more than an app id \\(64\\) and a namespace \\(63\\) can have"),
                    e.route().message());
        }
        assertEquals(0, cache.size(), "nothing of 300 MiB of keys was kept");
    }

    @Test
    void theLongestValidKeyIsRoutedAndCached() {
        String key = "a".repeat(64) + "." + "n".repeat(63);
        RouteCache.Entry e = route(new AsciiString(key));
        assertEquals(Route.Kind.REMOTE, e.route().kind());
        assertEquals("n".repeat(63), e.route().namespace());
        assertEquals(1, cache.size());
        assertEquals(Route.Kind.ERROR, route(new AsciiString(key + "x")).route().kind(), "one character more");
    }
}
