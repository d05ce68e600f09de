package io.h2splice.core.splice;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.testing.H2Peer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resiliency part of the splice engine frame by frame: a client on the API listener calls app {@code server},
 * whose "sidecar" is the far end of each {@link EmbeddedChannel} the engine dials. Checks what reaches each side and
 * that every buffer fed in ends with only the test's own reference (the engine released what it retained for replay).
 */
class ResiliencySpliceTest extends EngineFixture {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 50002);

    private CallPolicy policy;

    private void start(Resiliency resiliency, int maxRetryBuffer) throws Exception {
        ResiliencyPolicies policies = new ResiliencyPolicies(List.of(resiliency), maxRetryBuffer);
        policy = policies.forTarget("server");
        startWithSidecar(ProxyConfig.loopback("client", 0),
                OutboundRouter.builder("client", "default").resiliency(policies).build(), SERVER);
    }

    private static Resiliency retrying(int maxRetries, String codes, Duration timeout) {
        RetryPolicy retry = new RetryPolicy(RetryPolicy.Kind.CONSTANT, Duration.ZERO, Duration.ZERO, 0, 1,
                Duration.ZERO, Duration.ZERO, maxRetries, codes.isEmpty() ? Set.of() : parse(codes), Set.of());
        Map<String, Duration> timeouts = timeout == null ? Map.of() : Map.of("t", timeout);
        return new Resiliency("res", List.of(), timeouts, Map.of("r", retry), Map.of(),
                Map.of("server", new AppTarget(timeout == null ? null : "t", "r", null, 100)));
    }

    private static Set<Integer> parse(String codes) {
        Set<Integer> s = new java.util.TreeSet<>();
        for (String c : codes.split(",")) {
            s.add(Integer.parseInt(c));
        }
        return s;
    }

    /** Runs what is due on every loop, twice: a retry's writes ask for a flush task of their own. */
    @Override
    void runTasks() {
        for (int i = 0; i < 2; i++) {
            down.runPendingTasks();
            for (EmbeddedChannel up : upstreams) {
                up.runPendingTasks();
            }
        }
    }

    private static Http2Headers request() {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost")
                .path("/pkg.Svc/Method").set("content-type", "application/grpc").set("te", "trailers")
                .set("dapr-app-id", "server");
    }

    private static Http2Headers ok200() {
        return new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
    }

    private static Http2Headers trailers(int code) {
        return new DefaultHttp2Headers().set("grpc-status", Integer.toString(code));
    }

    /** Sends a unary request from the client on stream {@code id}. */
    private void call(int id, String text) {
        feed(down, client.headers(id, request(), false));
        feed(down, H2Peer.data(id, grpcMessage(text), true));
    }

    /** The far end's view of the one upstream connection: its frames since the last read. */
    private List<H2Peer.Frame> atServer() throws Exception {
        return apps.get(0).read(upstreams.get(0));
    }

    private void server(ByteBuf frame) {
        feed(upstreams.get(0), frame);
    }

    @Test
    void failedAttemptIsRetriedWithTheSameBytesAndTheClientSeesOnlyTheLastOne() throws Exception {
        start(retrying(3, "14", null), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
        call(1, "ping");
        List<H2Peer.Frame> first = atServer();
        int s1 = ofType(first, "HEADERS").get(0).streamId();
        server(apps.get(0).settings(new Http2Settings()));
        server(apps.get(0).headers(s1, ok200(), false));
        server(apps.get(0).headers(s1, trailers(14), true));
        assertTrue(ofType(client.read(down), "HEADERS").isEmpty(), "nothing of the failed attempt reaches the client");

        List<H2Peer.Frame> second = atServer();
        assertEquals(1, ofType(second, "HEADERS").size(), second.toString());
        int s2 = ofType(second, "HEADERS").get(0).streamId();
        assertTrue(s2 > s1);
        H2Peer.Frame replayed = ofType(second, "DATA").get(0);
        assertArrayEquals(grpcMessage("ping"), replayed.data(), "the request is replayed byte for byte");
        assertTrue(replayed.endStream());

        server(apps.get(0).headers(s2, ok200(), false));
        server(H2Peer.data(s2, grpcMessage("pong"), false));
        server(apps.get(0).headers(s2, trailers(0), true));
        List<H2Peer.Frame> atClient = client.read(down);
        List<H2Peer.Frame> hs = ofType(atClient, "HEADERS");
        assertEquals(2, hs.size(), atClient.toString());
        assertEquals("200", hs.get(0).headers().status().toString());
        assertArrayEquals(grpcMessage("pong"), ofType(atClient, "DATA").get(0).data());
        assertEquals("0", hs.get(1).headers().get("grpc-status").toString());
        assertEquals(1, policy.activatedCount(CallPolicy.Kind.RETRY));
    }

    @Test
    void statusTheRetryPolicyDoesNotMatchGoesStraightToTheClient() throws Exception {
        start(retrying(3, "14", null), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
        call(1, "ping");
        int s1 = ofType(atServer(), "HEADERS").get(0).streamId();
        server(apps.get(0).settings(new Http2Settings()));
        server(apps.get(0).headers(s1, ok200(), false));
        server(apps.get(0).headers(s1, trailers(5), true));
        List<H2Peer.Frame> hs = ofType(client.read(down), "HEADERS");
        assertEquals(2, hs.size(), "the held response HEADERS, then the trailers");
        assertEquals("5", hs.get(1).headers().get("grpc-status").toString());
        assertTrue(ofType(atServer(), "HEADERS").isEmpty(), "no second attempt");
    }

    @Test
    void requestLargerThanTheRetryBufferIsNotRetried() throws Exception {
        start(retrying(3, "14", null), 8);
        call(1, "more than eight bytes");
        int s1 = ofType(atServer(), "HEADERS").get(0).streamId();
        server(apps.get(0).settings(new Http2Settings()));
        server(apps.get(0).headers(s1, trailers(14), true));
        List<H2Peer.Frame> hs = ofType(client.read(down), "HEADERS");
        assertEquals(1, hs.size());
        assertEquals("14", hs.get(0).headers().get("grpc-status").toString());
        assertTrue(ofType(atServer(), "HEADERS").isEmpty(), "no second attempt");
        assertEquals(0, policy.activatedCount(CallPolicy.Kind.RETRY));
    }

    @Test
    void responseDataAlreadyAtTheClientRulesOutARetry() throws Exception {
        start(retrying(3, "14", null), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
        call(1, "ping");
        int s1 = ofType(atServer(), "HEADERS").get(0).streamId();
        server(apps.get(0).settings(new Http2Settings()));
        server(apps.get(0).headers(s1, ok200(), false));
        server(H2Peer.data(s1, grpcMessage("part"), false));
        server(apps.get(0).headers(s1, trailers(14), true));
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals(1, ofType(atClient, "DATA").size());
        assertEquals("14", ofType(atClient, "HEADERS").get(1).headers().get("grpc-status").toString());
        assertTrue(ofType(atServer(), "HEADERS").isEmpty(), "no second attempt");
    }

    @Test
    void resetStreamIsRetriedWhenItsCodeMatches() throws Exception {
        start(retrying(3, "13", null), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER); // INTERNAL_ERROR → 13
        call(1, "ping");
        int s1 = ofType(atServer(), "HEADERS").get(0).streamId();
        server(apps.get(0).settings(new Http2Settings()));
        server(apps.get(0).rst(s1, Http2Error.INTERNAL_ERROR.code()));
        List<H2Peer.Frame> second = atServer();
        assertArrayEquals(grpcMessage("ping"), ofType(second, "DATA").get(0).data());
        int s2 = ofType(second, "HEADERS").get(0).streamId();
        server(apps.get(0).headers(s2, new DefaultHttp2Headers().status("200").set("grpc-status", "0"), true));
        List<H2Peer.Frame> atClient = client.read(down);
        assertEquals("0", ofType(atClient, "HEADERS").get(0).headers().get("grpc-status").toString());
        assertTrue(ofType(atClient, "RST_STREAM").isEmpty());
    }

    @Test
    void timeoutCancelsTheUpstreamStreamAndAnswersDeadlineExceeded() throws Exception {
        Resiliency r = new Resiliency("res", List.of(), Map.of("t", Duration.ofMillis(300)), Map.of(), Map.of(),
                Map.of("server", new AppTarget("t", null, null, 100)));
        start(r, ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
        feed(down, client.headers(1, request(), false)); // the request stays open: a client-streaming call
        int s1 = ofType(atServer(), "HEADERS").get(0).streamId();
        server(apps.get(0).settings(new Http2Settings()));
        Thread.sleep(400);
        runTasks(); // the timer is due
        List<H2Peer.Frame> rst = ofType(atServer(), "RST_STREAM");
        assertEquals(1, rst.size());
        assertEquals(s1, rst.get(0).streamId());
        assertEquals(Http2Error.CANCEL.code(), rst.get(0).code());
        List<H2Peer.Frame> atClient = client.read(down);
        H2Peer.Frame h = ofType(atClient, "HEADERS").get(0);
        assertEquals("4", h.headers().get("grpc-status").toString());
        assertEquals("context deadline exceeded", h.headers().get("grpc-message").toString());
        assertEquals(Http2Error.CANCEL.code(), ofType(atClient, "RST_STREAM").get(0).code());
        assertEquals(1, policy.activatedCount(CallPolicy.Kind.TIMEOUT));
        assertEquals(0, metrics.streamsActive(), "nothing left open");
    }

    @Test
    void openBreakerFailsFastWithoutTouchingTheNetwork() throws Exception {
        CircuitBreakerPolicy cb = new CircuitBreakerPolicy(1, Duration.ZERO, Duration.ofMinutes(1),
                "consecutiveFailures > 1");
        Resiliency r = new Resiliency("res", List.of(), Map.of(), Map.of(), Map.of("cb", cb),
                Map.of("server", new AppTarget(null, null, "cb", 100)));
        start(r, ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
        for (int id = 1; id <= 3; id += 2) {
            call(id, "ping");
            List<H2Peer.Frame> frames = atServer();
            int s = ofType(frames, "HEADERS").get(0).streamId();
            if (id == 1) {
                server(apps.get(0).settings(new Http2Settings()));
            }
            server(apps.get(0).headers(s, new DefaultHttp2Headers().status("200").set("grpc-status", "14"), true));
        }
        client.read(down);
        call(5, "ping");
        H2Peer.Frame h = ofType(client.read(down), "HEADERS").get(0);
        assertEquals("14", h.headers().get("grpc-status").toString());
        assertEquals("circuit breaker is open", h.headers().get("grpc-message").toString());
        assertTrue(ofType(atServer(), "HEADERS").isEmpty(), "the open breaker kept the call off the network");
        assertEquals(1, policy.breakerChangeCount(io.h2splice.core.resiliency.CircuitBreaker.State.OPEN));
    }
}
