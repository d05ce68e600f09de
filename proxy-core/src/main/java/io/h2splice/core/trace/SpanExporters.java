package io.h2splice.core.trace;

import io.h2splice.core.config.Tracing;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.urlconnection.URLConnectionSender;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenTelemetry exporters {@code spec.tracing} asks for, as Dapr registers them: Zipkin when
 * {@code zipkin.endpointAddress} is set; OTLP when both {@code otel.endpointAddress} and {@code otel.protocol} are;
 * logging when {@code stdout} is true. HTTP goes through the JDK's clients (Zipkin: {@code HttpURLConnection};
 * OTLP/HTTP: {@code java.net.http}), never OkHttp.
 */
final class SpanExporters {

    private SpanExporters() {
    }

    /**
     * @throws IllegalArgumentException naming the {@code spec.tracing} field that is wrong
     */
    // OpenTelemetry deprecated its Zipkin exporter (last published: 1.63.0); Dapr's zipkin config needs it.
    @SuppressWarnings("deprecation")
    static List<SpanExporter> create(Tracing t) {
        List<SpanExporter> out = new ArrayList<>();
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, t.otelTimeout().toMillis());
        if (t.zipkinEndpoint() != null) {
            URLConnectionSender sender;
            try {
                sender = URLConnectionSender.newBuilder().endpoint(t.zipkinEndpoint())
                        .connectTimeout(timeoutMillis).readTimeout(timeoutMillis).build();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("spec.tracing.zipkin.endpointAddress: " + e.getMessage(), e);
            }
            out.add(ZipkinSpanExporter.builder().setSender((BytesMessageSender) sender).build());
        }
        if (t.otlp()) {
            out.add(t.otelProtocol().equals("http") ? otlpHttp(t) : otlpGrpc(t));
        }
        if (t.stdout()) {
            out.add(LoggingSpanExporter.create());
        }
        return out;
    }

    /** OTLP/HTTP: {@code http(s)://host:port/v1/traces} from Dapr's {@code host:port} and {@code isSecure}. */
    static String otlpHttpUrl(Tracing t) {
        URI base = URI.create(otlpBase(t));
        String path = base.getRawPath();
        return path == null || path.isEmpty() || path.equals("/")
                ? base.getScheme() + "://" + base.getRawAuthority() + "/v1/traces" : base.toString();
    }

    /** OTLP/gRPC: {@code http(s)://host:port}. */
    static String otlpBase(Tracing t) {
        String e = t.otelEndpoint();
        return e.contains("://") ? e : (t.otelIsSecure() ? "https://" : "http://") + e;
    }

    private static SpanExporter otlpHttp(Tracing t) {
        OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder().setEndpoint(otlpHttpUrl(t))
                .setTimeout(t.otelTimeout());
        for (Map.Entry<String, String> h : t.otelHeaders().entrySet()) {
            b.addHeader(h.getKey(), h.getValue());
        }
        return build("otel.endpointAddress", b::build);
    }

    private static SpanExporter otlpGrpc(Tracing t) {
        OtlpGrpcSpanExporterBuilder b = OtlpGrpcSpanExporter.builder().setEndpoint(otlpBase(t))
                .setTimeout(t.otelTimeout());
        for (Map.Entry<String, String> h : t.otelHeaders().entrySet()) {
            b.addHeader(h.getKey(), h.getValue());
        }
        return build("otel.endpointAddress", b::build);
    }

    private static SpanExporter build(String field, java.util.function.Supplier<SpanExporter> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("spec.tracing." + field + ": " + e.getMessage(), e);
        }
    }
}
