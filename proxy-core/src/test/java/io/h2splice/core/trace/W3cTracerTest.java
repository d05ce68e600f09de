package io.h2splice.core.trace;

import io.h2splice.core.headers.HeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Context in, sampling, header rewrite and span fields of {@link W3cTracer}, on decoded header sets. */
class W3cTracerTest {

    static final String METHOD = "/helloworld.Greeter/SayHello";
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";
    static final String SAMPLED_PARENT = "00-" + TRACE + "-" + PARENT + "-01";
    static final String UNSAMPLED_PARENT = "00-" + TRACE + "-" + PARENT + "-00";

    static Http2Headers request() {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").path(METHOD).authority("a:1");
        h.set("content-type", "application/grpc");
        h.set("te", "trailers");
        h.set("dapr-callee-app-id", "server");
        h.set("dapr-caller-app-id", "client");
        h.set("dapr-caller-namespace", "default");
        return h;
    }

    static List<Map.Entry<String, String>> entries(Http2Headers h) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        h.forEach(e -> out.add(Map.entry(e.getKey().toString(), e.getValue().toString())));
        return out;
    }

    @Test
    void sampledParentIsReplacedByTheNewSpanAndTracestateKept() {
        SpanQueue q = new SpanQueue(16);
        W3cTracer t = new W3cTracer(0.0001, q);
        Http2Headers h = request();
        h.set(HeaderNames.TRACEPARENT, SAMPLED_PARENT);
        h.set(HeaderNames.TRACESTATE, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");

        CallSpan span = (CallSpan) t.start(h, false);

        assertNotNull(span, "a sampled parent is followed whatever the rate");
        String out = h.get(HeaderNames.TRACEPARENT).toString();
        assertEquals(0, TraceParent.flags(out) - 1, "sampled flag out: " + out);
        assertEquals("00-" + TRACE + "-" + TraceParent.hex(span.spanId) + "-01", out);
        assertNotEquals(PARENT, TraceParent.hex(span.spanId));
        assertEquals(1, h.getAll(HeaderNames.TRACEPARENT).size(), "replaced, not appended");
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", h.get(HeaderNames.TRACESTATE).toString());
        assertNull(h.get(HeaderNames.GRPC_TRACE_BIN), "no grpc-trace-bin added when none came");
        assertEquals(TraceParent.traceIdHigh(SAMPLED_PARENT), span.traceIdHigh);
        assertEquals(TraceParent.traceIdLow(SAMPLED_PARENT), span.traceIdLow);
        assertEquals(TraceParent.spanId(SAMPLED_PARENT), span.parentSpanId);
        assertFalse(span.server);
        assertEquals(METHOD, span.name);
        assertEquals(1, t.started());

        assertEquals(0, q.size(), "queued only when it ends");
        span.end(5, "not%20found");
        assertEquals(1, q.size());
        assertEquals(5, span.grpcStatus);
        assertEquals("not%20found", span.grpcMessage);
        assertTrue(span.endNanos >= span.startNanos);
    }

    @Test
    void unsampledParentPassesThroughUnchangedAndReturnsNull() {
        W3cTracer t = new W3cTracer(1.0, new SpanQueue(16));
        Http2Headers h = request();
        h.set(HeaderNames.TRACEPARENT, UNSAMPLED_PARENT);
        h.set(HeaderNames.TRACESTATE, "rojo=1");
        List<Map.Entry<String, String>> before = entries(h);

        assertNull(t.start(h, true), "the parent said not sampled, even at rate 1");
        assertEquals(before, entries(h));
        assertEquals(0, t.started());
    }

    @Test
    void rootAtRateOneGetsANewTraceAndServerKind() {
        SpanQueue q = new SpanQueue(16);
        W3cTracer t = new W3cTracer(1.0, q);
        Http2Headers h = request();

        CallSpan span = (CallSpan) t.start(h, true);

        assertNotNull(span);
        assertTrue(span.server);
        assertEquals(0, span.parentSpanId, "root span");
        String out = h.get(HeaderNames.TRACEPARENT).toString();
        assertEquals(1, TraceParent.flags(out));
        assertEquals(span.traceIdHigh, TraceParent.traceIdHigh(out));
        assertEquals(span.traceIdLow, TraceParent.traceIdLow(out));
        assertEquals(span.spanId, TraceParent.spanId(out));
        assertTrue(new TraceIdRatio(1).sampled(span.traceIdLow));
    }

    @Test
    void rootAtATinyRateIsAlmostNeverSampledAndHeadersStayAsTheyCame() {
        W3cTracer t = new W3cTracer(1e-12, new SpanQueue(16));
        for (int i = 0; i < 10_000; i++) {
            Http2Headers h = request();
            List<Map.Entry<String, String>> before = entries(h);
            assertNull(t.start(h, false));
            assertEquals(before, entries(h));
        }
    }

    @Test
    void rootRatioIsAboutTheRate() {
        W3cTracer t = new W3cTracer(0.25, null);
        int sampled = 0;
        for (int i = 0; i < 20_000; i++) {
            Http2Headers h = request();
            t.start(h, false);
            sampled += h.contains(HeaderNames.TRACEPARENT) ? 1 : 0;
        }
        assertEquals(0.25, sampled / 20_000.0, 0.02);
        assertEquals(sampled, t.started());
    }

    @Test
    void malformedParentCountsAsAbsent() {
        W3cTracer t = new W3cTracer(1.0, new SpanQueue(16));
        Http2Headers h = request();
        h.set(HeaderNames.TRACEPARENT, "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01");
        CallSpan span = (CallSpan) t.start(h, false);
        assertEquals(0, span.parentSpanId, "a new root");
        assertEquals(1, TraceParent.flags(h.get(HeaderNames.TRACEPARENT)));

        W3cTracer rare = new W3cTracer(1e-12, new SpanQueue(16));
        Http2Headers h2 = request();
        h2.set(HeaderNames.TRACEPARENT, "ff-" + TRACE + "-" + PARENT + "-01");
        List<Map.Entry<String, String>> before = entries(h2);
        assertNull(rare.start(h2, false));
        assertEquals(before, entries(h2), "an unsampled call leaves even a malformed header alone");
    }

    @Test
    void grpcTraceBinIsReadFirstAndBothHeadersAreRewritten() {
        W3cTracer t = new W3cTracer(1e-12, new SpanQueue(16));
        Http2Headers h = request();
        long binHi = 0x1111111111111111L;
        long binLo = 0x2222222222222222L;
        long binSpan = 0x3333333333333333L;
        h.set(HeaderNames.GRPC_TRACE_BIN, GrpcTraceBin.format(binHi, binLo, binSpan, 1));
        h.set(HeaderNames.TRACEPARENT, UNSAMPLED_PARENT);

        CallSpan span = (CallSpan) t.start(h, false);

        assertNotNull(span, "grpc-trace-bin says sampled; traceparent (unsampled) is not looked at");
        assertEquals(binHi, span.traceIdHigh);
        assertEquals(binLo, span.traceIdLow);
        assertEquals(binSpan, span.parentSpanId);
        CharSequence bin = h.get(HeaderNames.GRPC_TRACE_BIN);
        assertEquals(1, GrpcTraceBin.flags(bin));
        assertEquals(span.spanId, GrpcTraceBin.spanId(bin));
        assertEquals(binLo, GrpcTraceBin.traceIdLow(bin));
        CharSequence tp = h.get(HeaderNames.TRACEPARENT);
        assertEquals(span.spanId, TraceParent.spanId(tp));
        assertEquals(binHi, TraceParent.traceIdHigh(tp));
    }

    @Test
    void unsampledGrpcTraceBinWins() {
        W3cTracer t = new W3cTracer(1.0, new SpanQueue(16));
        Http2Headers h = request();
        h.set(HeaderNames.GRPC_TRACE_BIN, GrpcTraceBin.format(1, 2, 3, 0));
        h.set(HeaderNames.TRACEPARENT, SAMPLED_PARENT);
        List<Map.Entry<String, String>> before = entries(h);
        assertNull(t.start(h, false));
        assertEquals(before, entries(h));
    }

    @Test
    void malformedGrpcTraceBinFallsBackToTraceparent() {
        W3cTracer t = new W3cTracer(1e-12, new SpanQueue(16));
        Http2Headers h = request();
        h.set(HeaderNames.GRPC_TRACE_BIN, "bm90IGEgY29udGV4dA==");
        h.set(HeaderNames.TRACEPARENT, SAMPLED_PARENT);
        CallSpan span = (CallSpan) t.start(h, false);
        assertNotNull(span);
        assertEquals(TraceParent.spanId(SAMPLED_PARENT), span.parentSpanId);
        assertEquals(span.spanId, GrpcTraceBin.spanId(h.get(HeaderNames.GRPC_TRACE_BIN)),
                "the bad grpc-trace-bin is replaced too, so the next hop reads this span");
    }

    @Test
    void withoutAnExporterContextIsPropagatedButNothingIsRecorded() {
        W3cTracer t = new W3cTracer(1.0, null);
        Http2Headers h = request();
        h.set(HeaderNames.TRACEPARENT, SAMPLED_PARENT);
        assertNull(t.start(h, false));
        String out = h.get(HeaderNames.TRACEPARENT).toString();
        assertTrue(out.startsWith("00-" + TRACE + "-"));
        assertNotEquals(SAMPLED_PARENT, out);
        assertEquals(1, t.started());
    }

    @Test
    void attributesAreTheDaprHeadersWithoutTokensOrBinaryValues() {
        W3cTracer t = new W3cTracer(1.0, new SpanQueue(16));
        Http2Headers h = request();
        h.add("dapr-caller-app-id", "second value, ignored");
        h.set("dapr-api-token", "secret-1");
        h.set("dapr-app-token", "secret-2");
        h.set("dapr-other-token", "secret-3");
        h.set("dapr-context-bin", "AAEC");
        h.set("dapr-stream", "true");
        h.set("x-dapr-like", "no");
        h.set("authorization", "Bearer secret-4");

        CallSpan span = (CallSpan) t.start(h, false);

        assertArrayEquals(new String[] {
            "dapr-callee-app-id", "server",
            "dapr-caller-app-id", "client",
            "dapr-caller-namespace", "default",
            "dapr-stream", "true",
        }, span.attributes);
        for (String v : span.attributes) {
            assertFalse(v.contains("secret"), v);
        }
    }

    /** Found by W3cTracerFuzzTest: Netty's AsciiString.containsIgnoreCase misses a match after a partial one. */
    @Test
    void aTokenNameAfterAPartialMatchIsNoAttribute() {
        W3cTracer t = new W3cTracer(1.0, new SpanQueue(16));
        Http2Headers h = request();
        h.set("dapr-my-toktoken", "secret-1");
        h.set("dapr-tototoken", "secret-2");

        CallSpan span = (CallSpan) t.start(h, false);

        for (String v : span.attributes) {
            assertFalse(v.contains("secret"), v);
        }
    }

    @Test
    void attributeCountIsBounded() {
        W3cTracer t = new W3cTracer(1.0, new SpanQueue(16));
        Http2Headers h = request();
        for (int i = 0; i < 100; i++) {
            h.set("dapr-x-" + i, "v");
        }
        CallSpan span = (CallSpan) t.start(h, false);
        assertEquals(SpanAttributes.MAX * 2, span.attributes.length);
    }

    @Test
    void aFullQueueDropsAndCounts() {
        SpanQueue q = new SpanQueue(2);
        W3cTracer t = new W3cTracer(1.0, q);
        for (int i = 0; i < 5; i++) {
            t.start(request(), false).end(0, null);
        }
        assertEquals(q.capacity(), q.size());
        assertEquals(5 - q.capacity(), q.dropped());
        assertEquals(5, t.started());
    }

    @Test
    void offIsOff() {
        Http2Headers h = request();
        h.set(HeaderNames.TRACEPARENT, SAMPLED_PARENT);
        List<Map.Entry<String, String>> before = entries(h);
        assertSame(null, CallTracer.OFF.start(h, false));
        assertEquals(before, entries(h));
    }
}
