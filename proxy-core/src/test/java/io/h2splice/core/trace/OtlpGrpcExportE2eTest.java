package io.h2splice.core.trace;

import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
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
 * OTLP/gRPC export ({@code otel.protocol: grpc}, {@code isSecure: false}) through {@link NettyGrpcSender} to a
 * grpc-java server standing in for a collector's {@code TraceService/Export}: the request carries the span and the
 * configured headers; a collector answering UNAVAILABLE counts as a failed export.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OtlpGrpcExportE2eTest {

    private static final String SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";
    private static final MethodDescriptor<byte[], byte[]> EXPORT =
            TestService.method(SERVICE + "/Export", MethodDescriptor.MethodType.UNARY);
    private static final Metadata.Key<String> API_KEY = GrpcCalls.ascii("x-api-key");

    record Export(byte[] request, String apiKey) {
    }

    private static Server collector(BlockingQueue<Export> exports, Status answer) throws Exception {
        ServerInterceptor keepApiKey = new ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata h,
                                                                      io.grpc.ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(io.grpc.Context.current().withValue(KEY, h.get(API_KEY)), call, h,
                        next);
            }
        };
        ServerServiceDefinition svc = ServerServiceDefinition.builder(SERVICE)
                .addMethod(EXPORT, ServerCalls.asyncUnaryCall((request, reply) -> {
                    exports.add(new Export(request, KEY.get()));
                    if (answer.isOk()) {
                        reply.onNext(new byte[0]); // an empty ExportTraceServiceResponse
                        reply.onCompleted();
                    } else {
                        reply.onError(answer.asRuntimeException());
                    }
                }))
                .build();
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(svc, keepApiKey)).build().start();
    }

    private static final io.grpc.Context.Key<String> KEY = io.grpc.Context.key("x-api-key");

    private static TraceRuntime tracing(Server collector) {
        Tracing config = new Tracing(1.0, null, "127.0.0.1:" + collector.getPort(), "grpc", false,
                Map.of("x-api-key", "k-456"), Duration.ofSeconds(5), false);
        return TraceRuntime.start(config, "grpc-client", Map.of());
    }

    @Test
    void spansAreExportedOverGrpc() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        Server collector = collector(exports, Status.OK);
        TraceRuntime tracing = tracing(collector);
        try (TwoSidecars net = TwoSidecars.builder().tracerA(tracing.tracer()).start()) {
            CallResult r = GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo(TwoSidecars.SERVER),
                    "hi".getBytes(StandardCharsets.UTF_8));
            assertEquals(Status.Code.OK, r.status().getCode(), r.describe());
            Export e = exports.poll(20, TimeUnit.SECONDS);
            assertNotNull(e, "no OTLP/gRPC export within 20 s");
            assertEquals("k-456", e.apiKey(), "otel.headers are sent as metadata");
            String body = new String(e.request(), StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("/" + TestService.ECHO.getFullMethodName()), "span name in the request");
            assertTrue(body.contains("grpc-client"), "service.name in the request");
        } finally {
            tracing.close();
            collector.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        String metrics = tracing.metricsText();
        assertTrue(metrics.contains("h2splice_trace_spans_exported_total 1\n"), metrics);
        assertTrue(metrics.contains("h2splice_trace_export_failures_total 0\n"), metrics);
    }

    @Test
    void anErrorStatusIsAFailedExport() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        Server collector = collector(exports, Status.UNAVAILABLE.withDescription("collector overloaded"));
        TraceRuntime tracing = tracing(collector);
        try (TwoSidecars net = TwoSidecars.builder().tracerA(tracing.tracer()).start()) {
            GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo(TwoSidecars.SERVER),
                    "hi".getBytes(StandardCharsets.UTF_8));
            assertNotNull(exports.poll(20, TimeUnit.SECONDS), "no OTLP/gRPC export within 20 s");
        } finally {
            tracing.close();
            collector.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        String metrics = tracing.metricsText();
        assertTrue(metrics.contains("h2splice_trace_export_failures_total 1\n"), metrics);
        assertTrue(metrics.contains("h2splice_trace_spans_dropped_total 1\n"), metrics);
    }
}
