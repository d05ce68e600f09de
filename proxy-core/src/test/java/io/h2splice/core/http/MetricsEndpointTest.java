package io.h2splice.core.http;

import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.h2splice.core.http.RawHttp.get;
import static io.h2splice.core.http.RawHttp.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics port's pipeline, fed raw bytes through an {@link EmbeddedChannel}. */
class MetricsEndpointTest {

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.metrics(metrics, new FakeStatus()));

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    @Test
    void anyPathServesTheExposition() {
        metrics.callCompleted(0);
        for (String path : new String[] {"/", "/metrics", "/v1.0/healthz", "/x?y=z"}) {
            RawHttp.Response r = one(ch, get(path));
            assertEquals(200, r.status(), path);
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("content-type"));
            assertEquals(String.valueOf(r.body().length()), r.header("content-length"));
            assertTrue(r.body().contains("\nh2splice_calls_total{grpc_status=\"OK\"} 1\n"), r.body());
            assertTrue(r.body().contains("h2splice_info{app_id=\"server\",namespace=\"default\",transport=\"epoll\"} 1"));
        }
        assertTrue(ch.isOpen());
    }

    @Test
    void scrapeSeesCurrentValues() {
        assertTrue(one(ch, get("/")).body().contains("\nh2splice_streams_active 0\n"));
        metrics.streamOpened();
        assertTrue(one(ch, get("/")).body().contains("\nh2splice_streams_active 1\n"));
    }

    @Test
    void headHasNoBody() {
        RawHttp.Response r = one(ch, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("", r.body());
        assertTrue(Integer.parseInt(r.header("content-length")) > 0);
    }

    @Test
    void otherMethodsAre405() {
        RawHttp.Response r = one(ch, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.header("allow"));
        assertTrue(ch.isOpen());
    }

    @Test
    void malformedIs400AndCloses() {
        RawHttp.Response r = one(ch, "GET / HTTP/1.1\r\nHost: x\r\nno-colon-here\r\n\r\n");
        assertEquals(400, r.status());
        assertFalse(ch.isOpen());
    }
}
