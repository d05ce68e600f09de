/**
 * Tracing of proxied calls as Dapr does it: W3C {@code traceparent} (and OpenCensus {@code grpc-trace-bin}) in,
 * {@code ParentBased(TraceIdRatioBased)} sampling, a CLIENT span on the caller's sidecar and a SERVER span on the
 * callee's, the new context out, and export through OpenTelemetry's exporters off the event loop.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.h2splice.core.trace.CallTracer}: the hook the splice calls at the request HEADERS;
 *       {@code W3cTracer} implements it (parsing in {@code TraceParent} and {@code GrpcTraceBin}, the root decision
 *       in {@code TraceIdRatio}). An unsampled call allocates nothing.</li>
 *   <li>{@code CallSpan} → {@code SpanQueue} (lock-free, bounded, drops when full) → {@code SpanExportLoop} (one
 *       daemon thread) → OpenTelemetry's {@code SpanExporter}s ({@code SpanExporters}); only these export classes
 *       touch OpenTelemetry.</li>
 *   <li>{@link io.h2splice.core.trace.TraceRuntime}: built once from {@code spec.tracing}; what proxy-cli uses.</li>
 * </ul>
 * Design notes and the differences from Dapr: {@code docs/tracing.md}.
 */
package io.h2splice.core.trace;
