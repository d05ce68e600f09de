package io.h2splice.core.headers;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two rules that joined HopHeaders from elsewhere (the tracer's and the attempt's); docs/headers.md has all. */
class HopHeadersTest {

    @Test
    void remainingTimeoutReplacesTheClientsWithTheTimeLeft() {
        Http2Headers h = new DefaultHttp2Headers().set("grpc-timeout", "30S").add("grpc-timeout", "1H");
        HopHeaders.remainingTimeout(h, TimeUnit.MILLISECONDS.toNanos(1_234));
        assertEquals(1, h.getAll("grpc-timeout").size(), "one grpc-timeout goes on");
        long nanos = GrpcTimeout.parseNanos(h.get("grpc-timeout"));
        assertTrue(nanos >= TimeUnit.MILLISECONDS.toNanos(1_234) && nanos < TimeUnit.MILLISECONDS.toNanos(1_300),
                "the time left, as grpc-timeout writes it: " + h.get("grpc-timeout"));
    }

    @Test
    void traceContextReplacesTraceparentAndGrpcTraceBinOnlyWhenTheClientSentOne() {
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Http2Headers plain = new DefaultHttp2Headers().set("traceparent", "00-old-old-01").set("tracestate", "k=v");
        HopHeaders.traceContext(plain, parent, null);
        assertEquals(parent, plain.get("traceparent").toString());
        assertFalse(plain.contains("grpc-trace-bin"), "no grpc-trace-bin is added when the client sent none");
        assertEquals("k=v", plain.get("tracestate").toString(), "tracestate passes");

        Http2Headers bin = new DefaultHttp2Headers().set("grpc-trace-bin", "AAA");
        HopHeaders.traceContext(bin, parent, "AAEC");
        assertEquals("AAEC", bin.get("grpc-trace-bin").toString());
        assertEquals(parent, bin.get("traceparent").toString());
    }
}
