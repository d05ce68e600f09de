package io.h2splice.perf.support;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Realistic gRPC request header sets: what grpc-java's Netty client sends for a unary call to its sidecar, plus
 * application metadata ({@code -bin} included), plus {@code dapr-app-id}.
 */
public final class RequestHeaders {

    /** The eight headers every grpc-java call carries, and {@code dapr-app-id}. */
    public static final int BASE = 9;

    /** Application metadata added after the base, in this order; the first is a {@code -bin} one. */
    private static final String[][] EXTRAS = {
        {"x-auth-context-bin", "CgZjbGllbnQSB2RlZmF1bHQaEAoEcm9sZRIIcmVhZGVy"},
        {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
        {"x-request-id", "7f6c5e2a-93d1-4a3e-9a6b-2f1d8c4e5b70"},
        {"authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQifQ.c2lnbmF0dXJl"},
        {"x-tenant-id", "acme-eu-west"},
        {"x-client-version", "2.14.3"},
        {"baggage", "userId=alice,serverNode=DF%2028,isProduction=false"},
        {"x-user-id", "alice"},
        {"x-feature-flags", "new-checkout,fast-path"},
        {"tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"},
        {"x-forwarded-for", "10.1.2.3"},
    };

    public static final int MAX = BASE + EXTRAS.length;

    private RequestHeaders() {
    }

    /**
     * @param count total headers, {@link #BASE} + 1 .. {@link #MAX} (pseudo-headers count as headers)
     * @param appId the value of {@code dapr-app-id}
     */
    public static Http2Headers grpcJava(int count, String appId) {
        if (count <= BASE || count > MAX) {
            throw new IllegalArgumentException("header count must be in " + (BASE + 1) + ".." + MAX + ", got " + count);
        }
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST").scheme("http").path("/helloworld.Greeter/SayHello").authority("127.0.0.1:50007");
        h.set("content-type", "application/grpc");
        h.set("te", "trailers");
        h.set("user-agent", "grpc-java-netty/1.85.1");
        h.set("grpc-accept-encoding", "gzip");
        h.set("dapr-app-id", appId);
        for (int i = 0; i < count - BASE; i++) {
            h.set(EXTRAS[i][0], EXTRAS[i][1]);
        }
        return h;
    }

    /** What an app answers first: {@code :status 200} and the gRPC content type. */
    public static Http2Headers grpcResponse() {
        Http2Headers h = new DefaultHttp2Headers().status("200");
        h.set("content-type", "application/grpc");
        h.set("grpc-encoding", "identity");
        h.set("grpc-accept-encoding", "gzip");
        return h;
    }

    /** What an app ends a call with: {@code grpc-status: 0}. */
    public static Http2Headers grpcOkTrailers() {
        return new DefaultHttp2Headers().set("grpc-status", "0");
    }
}
