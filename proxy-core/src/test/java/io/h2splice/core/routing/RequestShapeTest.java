package io.h2splice.core.routing;

import io.h2splice.core.status.GrpcStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a request must look like before it is routed: pseudo-headers, POST, a gRPC method path. */
class RequestShapeTest {

    /** Unvalidated headers, so that control characters can be tried too. */
    private static Http2Headers request(String path) {
        return new DefaultHttp2Headers(false).method("POST").scheme("http").authority("localhost").path(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a.B/C", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/.hidden/M",
            "/svc/..m", "/s/m", "/pkg.v1.Svc/Method_2"})
    void gRpcMethodPathsPass(String path) {
        assertNull(RequestShape.check(request(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/svc", "/svc/", "//m", "/svc/m/x", "/../m", "/svc/..", "/./m", "/svc/.", "/a?b/c",
            "/a/b#c", "/a/b\u0001", "a/b", "/a/b\u007f", "*"})
    void anythingElseIsAnInvalidMethod(String path) {
        Route r = RequestShape.check(request(path));
        assertEquals(GrpcStatus.INVALID_ARGUMENT, r.grpcStatus(), path);
        assertTrue(r.message().startsWith("invalid method: "), r.message());
    }

    @Test
    void missingPseudoHeadersAndOtherMethodsAreNamed() {
        assertEquals("malformed request: no :method pseudo-header",
                RequestShape.check(new DefaultHttp2Headers().scheme("http").path("/a/b")).message());
        assertEquals("malformed request: no :scheme pseudo-header",
                RequestShape.check(new DefaultHttp2Headers().method("POST").path("/a/b")).message());
        assertEquals("malformed request: no :path pseudo-header",
                RequestShape.check(new DefaultHttp2Headers().method("POST").scheme("https")).message());
        assertEquals("malformed request: :method GET (a gRPC call is a POST)",
                RequestShape.check(request("/a/b").method("GET")).message());
    }

    @Test
    void aLongPathIsShownCut() {
        Route r = RequestShape.check(request("/" + "x".repeat(1 << 20)));
        assertEquals("invalid method: /" + "x".repeat(127) + "...", r.message());
    }
}
