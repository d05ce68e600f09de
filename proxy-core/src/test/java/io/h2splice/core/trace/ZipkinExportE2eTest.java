package io.h2splice.core.trace;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.config.Tracing;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.Script;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One traced call through two sidecars, exported to a real Zipkin server and read back through Zipkin's HTTP API:
 * one trace, the client's span as the parent of sidecar A's CLIENT span, B's SERVER span as A's child, the full
 * method as the name, the app ids as service names, and the gRPC status on an error call.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ZipkinExportE2eTest {

    private static final Duration EXPORTED_WITHIN = Duration.ofSeconds(30);
    private static final Metadata.Key<String> TRACEPARENT = ascii("traceparent");

    private static ZipkinServer zipkin;
    private static TraceRuntime tracingA;
    private static TraceRuntime tracingB;
    private static TwoSidecars net;

    @BeforeAll
    static void start() throws Exception {
        zipkin = ZipkinServer.start();
        Tracing config = new Tracing(1.0, zipkin.spansEndpoint(), null, null, true);
        tracingA = TraceRuntime.start(config, TwoSidecars.CLIENT, Map.of());
        tracingB = TraceRuntime.start(config, TwoSidecars.SERVER, Map.of());
        net = TwoSidecars.builder().tracerA(tracingA.tracer()).tracerB(tracingB.tracer()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (net != null) {
                net.close();
            }
        } finally {
            if (tracingA != null) {
                tracingA.close();
            }
            if (tracingB != null) {
                tracingB.close();
            }
            if (zipkin != null) {
                zipkin.close();
            }
        }
    }

    private static String randomHex(int chars) {
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            sb.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
        }
        return sb.toString();
    }

    private static JsonNode byKind(List<JsonNode> spans, String kind) {
        return spans.stream().filter(s -> kind.equals(s.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " span in " + spans));
    }

    private static boolean bothSides(List<JsonNode> spans) {
        return spans.stream().anyMatch(s -> "CLIENT".equals(s.path("kind").asText()))
                && spans.stream().anyMatch(s -> "SERVER".equals(s.path("kind").asText()));
    }

    @Test
    void oneTraceClientSpanParentOfSidecarClientSpanParentOfSidecarServerSpan() throws Exception {
        String traceId = randomHex(32);
        String clientSpan = randomHex(16);
        Metadata md = routedTo(TwoSidecars.SERVER);
        md.put(TRACEPARENT, "00-" + traceId + "-" + clientSpan + "-01");
        md.put(GrpcCalls.DAPR_API_TOKEN, "secret-token-value");
        md.put(ascii("dapr-stream"), "false");

        CallResult r = GrpcCalls.unary(net.channel(), TestService.ECHO, md, "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(Status.Code.OK, r.status().getCode(), r.describe());

        List<JsonNode> spans = zipkin.awaitTrace(traceId, EXPORTED_WITHIN, ZipkinExportE2eTest::bothSides);
        assertEquals(2, spans.size(), "one span per sidecar: " + spans);
        JsonNode a = byKind(spans, "CLIENT");
        JsonNode b = byKind(spans, "SERVER");
        String method = TestService.ECHO.getFullMethodName();

        assertEquals(clientSpan, a.path("parentId").asText(), "A's span is the child of the client's");
        assertEquals(a.path("id").asText(), b.path("parentId").asText(), "B's span is the child of A's");
        // Zipkin stores span and service names lowercased.
        assertTrue(("/" + method).equalsIgnoreCase(a.path("name").asText()), a.toString());
        assertTrue(("/" + method).equalsIgnoreCase(b.path("name").asText()), b.toString());
        assertEquals(TwoSidecars.CLIENT, a.path("localEndpoint").path("serviceName").asText());
        assertEquals(TwoSidecars.SERVER, b.path("localEndpoint").path("serviceName").asText());
        assertEquals("0", a.path("tags").path("rpc.grpc.status_code").asText(), a.toString());
        assertEquals("0", b.path("tags").path("rpc.grpc.status_code").asText(), b.toString());
        assertFalse(a.path("tags").has("error"), a.toString());
        assertEquals("server", a.path("tags").path("dapr-callee-app-id").asText(), a.toString());
        assertEquals("false", a.path("tags").path("dapr-stream").asText(), a.toString());
        assertEquals("client", b.path("tags").path("dapr-caller-app-id").asText(), b.toString());
        assertTrue(a.path("duration").asLong() > 0 && b.path("duration").asLong() > 0, spans.toString());
        for (JsonNode s : spans) {
            assertFalse(s.toString().contains("secret-token-value"), "a token in a span: " + s);
            assertFalse(s.path("tags").has("dapr-api-token"), s.toString());
        }

        ReceivedCall atApp = net.serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(10));
        assertEquals("00-" + traceId + "-" + b.path("id").asText() + "-01", atApp.headers().get(TRACEPARENT),
                "the app's parent is B's SERVER span");

        String metrics = tracingA.metricsText();
        assertTrue(metrics.contains("# TYPE h2splice_trace_spans_exported_total counter"), metrics);
        assertFalse(metrics.contains("h2splice_trace_spans_exported_total 0\n"), metrics);
    }

    @Test
    void errorCallHasTheStatusOnBothSpans() throws Exception {
        String key = "trace-error";
        net.serverApp().script(key, Script.fail(Status.NOT_FOUND.withDescription("no such thing, 100%"),
                new Metadata()));
        String traceId = randomHex(32);
        Metadata md = routedTo(TwoSidecars.SERVER);
        md.put(TRACEPARENT, "00-" + traceId + "-" + randomHex(16) + "-01");

        CallResult r = GrpcCalls.unary(net.channel(), TestService.SCRIPTED, md, key.getBytes(StandardCharsets.UTF_8));
        assertEquals(Status.Code.NOT_FOUND, r.status().getCode(), r.describe());

        List<JsonNode> spans = zipkin.awaitTrace(traceId, EXPORTED_WITHIN, ZipkinExportE2eTest::bothSides);
        for (JsonNode s : spans) {
            JsonNode tags = s.path("tags");
            assertEquals("5", tags.path("rpc.grpc.status_code").asText(), s.toString());
            assertEquals("ERROR", tags.path("otel.status_code").asText(), s.toString());
            assertEquals("no such thing, 100%", tags.path("error").asText(), s.toString());
        }
    }

    @Test
    void unsampledParentIsNotExportedAndPassesThroughUnchanged() throws Exception {
        String traceId = randomHex(32);
        String parent = "00-" + traceId + "-" + randomHex(16) + "-00";
        Metadata md = routedTo(TwoSidecars.SERVER);
        md.put(TRACEPARENT, parent);

        CallResult r = GrpcCalls.unary(net.channel(), TestService.ECHO, md, "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(Status.Code.OK, r.status().getCode(), r.describe());
        assertEquals(parent, net.serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(10)).headers().get(TRACEPARENT));

        // A sampled call made after it is exported; by then the unsampled one would have been too.
        String later = randomHex(32);
        Metadata md2 = routedTo(TwoSidecars.SERVER);
        md2.put(TRACEPARENT, "00-" + later + "-" + randomHex(16) + "-01");
        GrpcCalls.unary(net.channel(), TestService.ECHO, md2, "y".getBytes(StandardCharsets.UTF_8));
        zipkin.awaitTrace(later, EXPORTED_WITHIN, ZipkinExportE2eTest::bothSides);
        assertEquals(List.of(), zipkin.trace(traceId), "an unsampled call is not exported");
    }
}
