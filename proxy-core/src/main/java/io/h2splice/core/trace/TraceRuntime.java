package io.h2splice.core.trace;

import io.h2splice.core.config.Tracing;
import io.h2splice.core.metrics.PrometheusText;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A sidecar's tracing, built once from {@code spec.tracing}: the {@link CallTracer} its event loops call, the export
 * thread when spans go somewhere, and the {@code h2splice_trace_*} counters for the metrics page.
 *
 * <ul>
 *   <li>{@code samplingRate} 0: {@link CallTracer#OFF}; no header is read.</li>
 *   <li>A rate above 0 and no exporter: sampled calls still get a span context, propagated in {@code traceparent}
 *       as Dapr does, but no span is recorded. No OpenTelemetry class is loaded.</li>
 *   <li>With an exporter: spans are queued ({@link SpanQueue}) and exported by {@link SpanExportLoop}.</li>
 * </ul>
 */
public final class TraceRuntime implements AutoCloseable {

    /** How long {@link #close()} waits for the last spans to be exported. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final CallTracer tracer;
    private final W3cTracer w3c;
    private final SpanExportLoop exportLoop;

    private TraceRuntime(CallTracer tracer, W3cTracer w3c, SpanExportLoop exportLoop) {
        this.tracer = tracer;
        this.w3c = w3c;
        this.exportLoop = exportLoop;
    }

    /**
     * @param config             {@code spec.tracing}
     * @param serviceName        the spans' {@code service.name}: the app id, or {@code OTEL_SERVICE_NAME}
     * @param resourceAttributes more resource attributes ({@code OTEL_RESOURCE_ATTRIBUTES}), possibly empty
     * @throws IllegalArgumentException one line naming the {@code spec.tracing} field that is wrong
     */
    public static TraceRuntime start(Tracing config, String serviceName, Map<String, String> resourceAttributes) {
        return start(config, serviceName, resourceAttributes, SpanQueue.DEFAULT_CAPACITY);
    }

    static TraceRuntime start(Tracing config, String serviceName, Map<String, String> resourceAttributes,
                              int queueCapacity) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(resourceAttributes, "resourceAttributes");
        if (!config.enabled()) {
            return new TraceRuntime(CallTracer.OFF, null, null);
        }
        if (!config.exports()) {
            W3cTracer t = new W3cTracer(config.samplingRate(), null);
            return new TraceRuntime(t, t, null);
        }
        SpanQueue queue = new SpanQueue(queueCapacity);
        SpanExportLoop loop = SpanExportLoop.start(queue, config, serviceName, resourceAttributes);
        W3cTracer t = new W3cTracer(config.samplingRate(), queue);
        return new TraceRuntime(t, t, loop);
    }

    /** What to give {@code Proxy.start}. */
    public CallTracer tracer() {
        return tracer;
    }

    /** True when spans are exported (an export thread runs). */
    public boolean exports() {
        return exportLoop != null;
    }

    /** The {@code h2splice_trace_*} families in Prometheus text format; empty when tracing is off. */
    public String metricsText() {
        if (w3c == null) {
            return "";
        }
        SpanQueue q = w3c.queue();
        StringBuilder sb = new StringBuilder(1024);
        PrometheusText.counter(sb, "h2splice_trace_spans_started_total", "Calls sampled for tracing (a span started).",
                w3c.started());
        PrometheusText.counter(sb, "h2splice_trace_spans_exported_total", "Spans the exporters accepted.",
                q == null ? 0 : q.exported());
        PrometheusText.counter(sb, "h2splice_trace_spans_dropped_total",
                "Spans lost: the export queue was full, or their export failed or timed out.",
                q == null ? 0 : q.dropped());
        PrometheusText.counter(sb, "h2splice_trace_export_failures_total", "Export calls that failed or timed out.",
                q == null ? 0 : q.exportFailures());
        return sb.toString();
    }

    /** Exports what is queued and stops the exporters, waiting at most {@link #CLOSE_TIMEOUT}. Idempotent. */
    @Override
    public void close() {
        if (exportLoop != null) {
            exportLoop.close(CLOSE_TIMEOUT);
        }
    }
}
