package io.h2splice.core.routing;

import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.core.status.ProxyError;
import io.h2splice.core.status.TrailersOnly;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A header value is read as the client wrote it (UTF-8), so that an error shows it escaped once. */
class AppIdsTest {

    private static AsciiString header(String value) {
        return new AsciiString(value.getBytes(StandardCharsets.UTF_8)); // what Netty's HPACK decoder hands over
    }

    @Test
    void aNonAsciiAppIdIsShownAsSentEscapedOnce() {
        Route r = AppIds.parse(header("sérver.prod"), "default");
        assertEquals("sérver", r.appId());
        assertEquals("prod", r.namespace());
        String message = TrailersOnly.response(GrpcStatus.UNAVAILABLE, ProxyError.UNKNOWN_APP.message(r.appId()))
                .get(HeaderNames.GRPC_MESSAGE).toString();
        assertEquals("couldn't find service: s%C3%A9rver", message, "percent-encoded once, as UTF-8");
    }

    @Test
    void aNonAsciiMethodIsShownAsSent() {
        Route r = RequestShape.check(new io.netty.handler.codec.http2.DefaultHttp2Headers(false).method("POST")
                .scheme("http").path(header("/ä/b/c")));
        assertEquals("invalid method: /ä/b/c", r.message());
    }

    /**
     * A key with a character no sidecar's app id or namespace can have is answered at once, never looked up (a
     * registry read, a Kubernetes DNS query), and the message names the character without echoing control bytes.
     */
    @Test
    void aKeyNoSidecarCanHaveIsRefusedNamingWhy() {
        assertEquals("invalid app id ../etc: it contains '/'", AppIds.parse(header("../etc"), "default").message());
        assertEquals("invalid app id a\\b: it contains '\\'", AppIds.parse(header("a\\b"), "default").message());
        assertEquals("invalid app id my app: it contains whitespace",
                AppIds.parse(header("my app"), "default").message());
        Route control = AppIds.parse(header("app\u001b[31m.ns"), "default");
        assertEquals(Route.Kind.ERROR, control.kind());
        assertEquals(GrpcStatus.INVALID_ARGUMENT, control.grpcStatus());
        assertEquals("invalid app id app?[31m.ns: it contains a control character (U+001B)", control.message());
        assertEquals(Route.Kind.REMOTE, AppIds.parse(header("  server  "), "default").kind(), "trimmed, as before");
    }
}
