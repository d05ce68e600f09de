package io.h2splice.core.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.h2splice.core.headers.HeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trace context of a request as a client sends it, read by {@link W3cTracer} (which of {@code grpc-trace-bin} and
 * {@code traceparent} wins, sampling, the rewrite) and by {@link SpanAttributes}. The input is lines of
 * {@code name:value} (names lowercased, as Netty's validating decoder lets only lowercase names in). Invariants: a
 * valid sampled parent's trace id is kept and the new {@code traceparent} is valid and sampled; an unsampled valid
 * parent leaves the headers as they came; span attributes are at most {@link SpanAttributes#MAX}, never a token.
 * Seeds: {@code W3cTracerFuzzTestInputs/traceContext}.
 */
class W3cTracerFuzzTest {

    /** Spans are started, never ended: nothing reaches the queue. */
    private final W3cTracer tracer = new W3cTracer(1, new SpanQueue(4));

    @FuzzTest
    void traceContext(byte[] data) {
        Http2Headers h = new DefaultHttp2Headers(false).method("POST").scheme("http").path("/pkg.Svc/Method");
        AsciiString all = new AsciiString(data);
        for (int at = 0; at < all.length(); ) {
            int nl = all.indexOf('\n', at);
            int end = nl < 0 ? all.length() : nl;
            int colon = all.indexOf(':', at + 1);
            if (colon > at && colon < end) {
                h.add(all.subSequence(at, colon).toLowerCase(), all.subSequence(colon + 1, end));
            }
            at = end + 1;
        }

        CharSequence bin = h.get(HeaderNames.GRPC_TRACE_BIN);
        CharSequence parent = h.get(HeaderNames.TRACEPARENT);
        int binFlags = bin == null ? -1 : GrpcTraceBin.flags(bin);
        int parentFlags = parent == null ? -1 : TraceParent.flags(parent);
        String traceId = binFlags >= 0 ? TraceParent.hex(GrpcTraceBin.traceIdHigh(bin))
                + TraceParent.hex(GrpcTraceBin.traceIdLow(bin))
                : parentFlags >= 0 ? parent.toString().substring(3, 35) : null;
        int flags = binFlags >= 0 ? binFlags : parentFlags;
        List<String> before = entries(h);

        TracedCall call = tracer.start(h, true);
        if (flags >= 0 && (flags & TraceParent.SAMPLED) == 0) {
            assertNull(call, "an unsampled parent is followed");
            assertEquals(before, entries(h), "the headers of an unsampled call changed");
            return;
        }
        assertNotNull(call, "rate 1 samples every root");
        CharSequence out = h.get(HeaderNames.TRACEPARENT);
        assertEquals(TraceParent.SAMPLED, TraceParent.flags(out), "traceparent out: " + out);
        assertEquals(1, h.getAll(HeaderNames.TRACEPARENT).size());
        if (traceId != null) {
            assertEquals(traceId, out.toString().substring(3, 35), "the parent's trace id is kept");
        }
        if (bin != null) {
            CharSequence binOut = h.get(HeaderNames.GRPC_TRACE_BIN);
            assertEquals(TraceParent.SAMPLED, GrpcTraceBin.flags(binOut), "grpc-trace-bin out: " + binOut);
            assertEquals(out.toString().substring(3, 35), TraceParent.hex(GrpcTraceBin.traceIdHigh(binOut))
                    + TraceParent.hex(GrpcTraceBin.traceIdLow(binOut)), "both headers carry one context");
        }

        String[] attributes = ((CallSpan) call).attributes; // SpanAttributes.of, on the rewritten headers
        assertTrue(attributes.length <= 2 * SpanAttributes.MAX, "attributes: " + attributes.length);
        for (int i = 0; i < attributes.length; i += 2) {
            String name = attributes[i].toLowerCase(Locale.ROOT);
            assertTrue(name.startsWith("dapr-"), name);
            assertFalse(name.contains("token") || name.endsWith("-bin"), "a secret or binary attribute: " + name);
        }
    }

    private static List<String> entries(Http2Headers h) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        return out;
    }
}
