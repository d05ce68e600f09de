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
}
