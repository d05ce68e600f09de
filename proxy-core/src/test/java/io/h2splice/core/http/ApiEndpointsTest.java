package io.h2splice.core.http;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.h2splice.core.http.RawHttp.get;
import static io.h2splice.core.http.RawHttp.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP port's pipeline, fed raw bytes through an {@link EmbeddedChannel}. */
class ApiEndpointsTest {

    private final FakeStatus status = new FakeStatus();
    private final EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.api(status));

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    @Test
    void healthzReadyIs204AndKeepsTheConnection() {
        RawHttp.Response r = one(ch, get("/v1.0/healthz"));
        assertEquals(204, r.status());
        assertEquals("", r.body());
        assertNull(r.header("content-length"), "no content-length on 204 (RFC 9110 8.6)");
        assertTrue(ch.isOpen());
    }

    @Test
    void healthzNotReadyIsDaprError() {
        status.ready = false;
        RawHttp.Response r = one(ch, get("/v1.0/healthz"));
        assertEquals(500, r.status());
        assertEquals("application/json", r.header("content-type"));
        String expected = "{\"errorCode\":\"ERR_HEALTH_NOT_READY\","
                + "\"message\":\"dapr is not ready: [app port 50051 not reachable]\"}";
        assertEquals(expected, r.body());
        assertEquals(String.valueOf(expected.length()), r.header("content-length"));
        assertTrue(ch.isOpen(), "an error answer keeps the connection");
    }

    @Test
    void notReadyWinsOverAppIdMismatch() {
        status.ready = false;
        assertTrue(one(ch, get("/v1.0/healthz?appid=other")).body().contains("ERR_HEALTH_NOT_READY"));
    }

    @Test
    void healthzAppIdQuery() {
        assertEquals(204, one(ch, get("/v1.0/healthz?appid=server")).status());
        RawHttp.Response r = one(ch, get("/v1.0/healthz?appid=other"));
        assertEquals(500, r.status());
        assertEquals("{\"errorCode\":\"ERR_HEALTH_APPID_NOT_MATCH\",\"message\":\"dapr app-id does not match\"}",
                r.body());
        // Dapr checks qs.Has("appid"): an empty value does not match either
        assertEquals(500, one(ch, get("/v1.0/healthz?appid=")).status());
        assertEquals(204, one(ch, get("/v1.0/healthz?other=1")).status());
    }

    @Test
    void outboundHealthz() {
        status.ready = false;
        assertEquals(204, one(ch, get("/v1.0/healthz/outbound")).status(), "outbound does not wait for the app");
        status.outboundReady = false;
        RawHttp.Response r = one(ch, get("/v1.0/healthz/outbound"));
        assertEquals(500, r.status());
        assertTrue(r.body().contains("\"ERR_HEALTH_OUTBOUND_NOT_READY\""), r.body());
    }

    @Test
    void metadataHasDaprShapeAndOurPorts() {
        status.extended.put("cliPID", "4242");
        status.extended.put("appCommand", "java -jar \"app.jar\"");
        RawHttp.Response r = one(ch, get("/v1.0/metadata"));
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("content-type"));
        String v = RuntimeVersion.VALUE;
        assertTrue(v.startsWith("h2splice-"), v);
        assertEquals("{\"id\":\"server\",\"runtimeVersion\":\"" + v + "\","
                + "\"extended\":{\"appCommand\":\"java -jar \\\"app.jar\\\"\",\"cliPID\":\"4242\","
                + "\"daprRuntimeVersion\":\"" + v + "\"},"
                + "\"appConnectionProperties\":{\"port\":50051,\"protocol\":\"grpc\",\"channelAddress\":\"127.0.0.1\"},"
                + "\"actorRuntime\":{\"runtimeStatus\":\"DISABLED\",\"hostReady\":false},"
                + "\"h2splice\":{\"namespace\":\"default\",\"grpcPort\":50001,\"internalGrpcPort\":50002,"
                + "\"httpPort\":3500,\"metricsPort\":9090,\"transport\":\"epoll\",\"ready\":true}}", r.body());
    }

    @Test
    void putMetadataSetsExtended() {
        String body = "java -jar app.jar --name=Zoë";
        int length = body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        RawHttp.Response r = one(ch, "PUT /v1.0/metadata/appCommand HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                + "\r\n\r\n" + body);
        assertEquals(204, r.status());
        assertEquals(body, status.extended.get("appCommand"));
        assertTrue(one(ch, get("/v1.0/metadata")).body().contains("\"appCommand\":\"java -jar app.jar --name=Zoë\""));

        assertEquals(204, one(ch, "PUT /v1.0/metadata/a%20b+c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                .status());
        assertEquals("", status.extended.get("a b+c"), "path segment decoding keeps '+'");
    }

    @Test
    void putWithExpectContinueGets100First() {
        List<RawHttp.Response> rs = RawHttp.exchange(ch, "PUT /v1.0/metadata/cliPID HTTP/1.1\r\nHost: x\r\n"
                + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertEquals(1, rs.size());
        assertEquals(100, rs.get(0).status());
        assertEquals(204, one(ch, "42").status());
        assertEquals("42", status.extended.get("cliPID"));
    }

    @Test
    void unknownPathIs404Json() {
        RawHttp.Response r = one(ch, get("/v1.0/invoke/server/method/hello"));
        assertEquals(404, r.status());
        assertEquals("application/json", r.header("content-type"));
        assertTrue(r.body().startsWith("{\"errorCode\":\"ERR_NOT_FOUND\",\"message\":\"h2splice serves only"), r.body());
        assertEquals(404, one(ch, get("/v1.0/healthz/")).status());
        assertEquals(404, one(ch, get("/v1.0/metadata/a/b")).status());
        assertEquals(404, one(ch, "PUT /v1.0/metadata/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status());
    }

    @Test
    void wrongMethodIs405WithAllow() {
        RawHttp.Response r = one(ch, "POST /v1.0/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.header("allow"));
        assertTrue(r.body().contains("\"ERR_METHOD_NOT_ALLOWED\""));

        r = one(ch, get("/v1.0/metadata/cliPID"));
        assertEquals(405, r.status());
        assertEquals("PUT", r.header("allow"));
        assertEquals(405, one(ch, "DELETE /v1.0/metadata HTTP/1.1\r\nHost: x\r\n\r\n").status());
        assertTrue(ch.isOpen());
    }

    @Test
    void headKeepsLengthDropsBody() {
        String full = one(ch, get("/v1.0/metadata")).body();
        RawHttp.Response r = one(ch, "HEAD /v1.0/metadata HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("", r.body());
        assertEquals(String.valueOf(full.length()), r.header("content-length"));
        assertTrue(ch.isOpen());
    }

    @Test
    void apiTokenGuardsEverythingButHealthz() {
        status.apiToken = "s3cret";
        RawHttp.Response r = one(ch, get("/v1.0/metadata"));
        assertEquals(401, r.status());
        assertEquals("invalid api token", r.body());
        assertEquals(401, one(ch, "GET /v1.0/metadata HTTP/1.1\r\nHost: x\r\ndapr-api-token: s3creT\r\n\r\n").status());
        assertEquals(401, one(ch, "PUT /v1.0/metadata/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status());
        assertNull(status.extended.get("k"));
        assertEquals(401, one(ch, get("/nope")).status(), "checked before routing, as Dapr's middleware does");
        assertEquals(200, one(ch, "GET /v1.0/metadata HTTP/1.1\r\nHost: x\r\ndapr-api-token: s3cret\r\n\r\n").status());
        assertEquals(204, one(ch, get("/v1.0/healthz")).status());
        assertEquals(204, one(ch, get("/v1.0/healthz/outbound")).status());
    }

    @Test
    void pipelinedRequestsAnsweredInOrder() {
        List<RawHttp.Response> rs = RawHttp.exchange(ch, get("/v1.0/healthz") + get("/nope") + get("/v1.0/metadata"));
        assertEquals(List.of(204, 404, 200), rs.stream().map(RawHttp.Response::status).toList());
        assertTrue(ch.isOpen());
    }

    @Test
    void connectionCloseIsHonoured() {
        RawHttp.Response r = one(ch, "GET /v1.0/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(204, r.status());
        assertEquals("close", r.header("connection"));
        assertFalse(ch.isOpen());
    }

    @Test
    void http10ClosesUnlessKeepAlive() {
        assertEquals(204, one(ch, "GET /v1.0/healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
        assertTrue(ch.isOpen());
        assertEquals(204, one(ch, "GET /v1.0/healthz HTTP/1.0\r\n\r\n").status());
        assertFalse(ch.isOpen());
    }

    @Test
    void absoluteFormTarget() {
        assertEquals(204, one(ch, get("http://localhost:3500/v1.0/healthz?appid=server")).status());
        assertEquals("/", ApiHandler.originForm("http://host"));
        assertEquals("/?a=b", ApiHandler.originForm("HTTP://host?a=b"));
        assertEquals("/x?y", ApiHandler.originForm("https://h:1/x?y"));
        assertEquals("/v1.0/healthz", ApiHandler.originForm("/v1.0/healthz"));
    }

    @Test
    void badPercentEncodingIs400() {
        RawHttp.Response r = one(ch, "PUT /v1.0/metadata/%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(status.extended.isEmpty());
        assertEquals(400, one(ch, get("/v1.0/healthz?appid=%e")).status());
    }

    @Test
    void malformedRequestIs400AndCloses() {
        RawHttp.Response r = one(ch, "GET /v1.0/healthz HTTP/9.x\r\nHost: x\r\n\r\n");
        assertEquals(400, r.status());
        assertEquals("close", r.header("connection"));
        assertEquals("{\"errorCode\":\"ERR_MALFORMED_REQUEST\",\"message\":\"malformed HTTP request\"}", r.body());
        assertFalse(ch.isOpen());
    }

    @Test
    void badHeaderIs400AndCloses() {
        RawHttp.Response r = one(ch, "GET /v1.0/healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n");
        assertEquals(400, r.status());
        assertFalse(ch.isOpen());
    }

    @Test
    void oversizedHeadersAre431() {
        RawHttp.Response r = one(ch, "GET /v1.0/healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(HttpEndpoints.MAX_HEADER_SIZE + 10) + "\r\n\r\n");
        assertEquals(431, r.status());
        assertFalse(ch.isOpen());
    }

    @Test
    void oversizedRequestLineIs414() {
        RawHttp.Response r = one(ch, get("/v1.0/" + "a".repeat(HttpEndpoints.MAX_INITIAL_LINE + 10)));
        assertEquals(414, r.status());
        assertFalse(ch.isOpen());
    }

    @Test
    void oversizedBodyIs413() {
        int length = HttpEndpoints.MAX_API_BODY + 1;
        RawHttp.Response r = one(ch, "PUT /v1.0/metadata/k HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                + "\r\n\r\n" + "a".repeat(length));
        assertEquals(413, r.status());
        assertNull(status.extended.get("k"));
    }
}
