package io.h2splice.core.trace;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.h2splice.core.config.Tracing;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OTLP/HTTP export ({@code otel.protocol: http}, {@code isSecure: false}) to an in-process collector stub (the JDK's
 * HTTP server on 127.0.0.1): the span arrives as a protobuf POST to {@code /v1/traces}, with the configured
 * {@code otel.headers}, and carries the method name and the service name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OtlpHttpExportE2eTest {

    record Post(String path, String contentType, String apiKey, byte[] body) {
    }

    @Test
    void spansArePostedToV1Traces() throws Exception {
        BlockingQueue<Post> posts = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                posts.add(new Post(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("x-api-key"), body));
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            }
        });
        collector.start();
        Tracing config = new Tracing(1.0, null, "127.0.0.1:" + collector.getAddress().getPort(), "http", false,
                Map.of("x-api-key", "k-123"), Duration.ofSeconds(5), false);
        TraceRuntime tracing = TraceRuntime.start(config, "otlp-client", Map.of("deployment.environment", "test"));
        try (TwoSidecars net = TwoSidecars.builder().tracerA(tracing.tracer()).start()) {
            CallResult r = GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo(TwoSidecars.SERVER),
                    "hi".getBytes(StandardCharsets.UTF_8));
            assertEquals(Status.Code.OK, r.status().getCode(), r.describe());

            Post post = posts.poll(20, TimeUnit.SECONDS);
            assertNotNull(post, "no OTLP export within 20 s");
            assertEquals("/v1/traces", post.path());
            assertEquals("application/x-protobuf", post.contentType());
            assertEquals("k-123", post.apiKey(), "otel.headers are sent");
            // Protobuf carries strings as raw UTF-8: the span name and the resource's service.name are in the body.
            String body = new String(post.body(), StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("/" + TestService.ECHO.getFullMethodName()), "span name in the body");
            assertTrue(body.contains("otlp-client"), "service.name in the body");
            assertTrue(body.contains("deployment.environment"), "extra resource attributes in the body");
            assertTrue(body.contains("dapr-callee-app-id"), "dapr-* attributes in the body");
        } finally {
            tracing.close();
            collector.stop(0);
        }
        assertTrue(tracing.metricsText().contains("h2splice_trace_spans_exported_total 1\n"), tracing.metricsText());
    }
}
