package io.h2splice.core.trace;

/**
 * The span of one sampled call, recorded as plain fields on the event loop (no OpenTelemetry type is touched
 * there) and turned into an OpenTelemetry {@code SpanData} on the exporter thread ({@link CallSpanData}).
 *
 * <p>Threading: built and ended on the call's event loop; after {@link #end} it belongs to the exporter thread
 * ({@link SpanQueue}).
 */
final class CallSpan implements TracedCall {

    final long traceIdHigh;
    final long traceIdLow;
    final long spanId;
    /** The parent's span id, or 0 for a root span. */
    final long parentSpanId;
    /** SERVER (on the callee's sidecar) or CLIENT (on the caller's). */
    final boolean server;
    /** The full gRPC method, {@code /pkg.Service/Method}. */
    final String name;
    /** The incoming {@code dapr-*} headers as name, value pairs. */
    final String[] attributes;
    final long startNanos;
    long endNanos;
    int grpcStatus;
    /** The {@code grpc-message} as received (percent-encoded), or null. */
    String grpcMessage;
    private final SpanQueue queue;

    CallSpan(long traceIdHigh, long traceIdLow, long spanId, long parentSpanId, boolean server, String name,
             String[] attributes, long startNanos, SpanQueue queue) {
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.server = server;
        this.name = name;
        this.attributes = attributes;
        this.startNanos = startNanos;
        this.queue = queue;
    }

    @Override
    public void end(int grpcStatus, CharSequence grpcMessage) {
        this.endNanos = System.nanoTime();
        this.grpcStatus = grpcStatus;
        this.grpcMessage = grpcMessage == null ? null : grpcMessage.toString();
        queue.offer(this);
    }
}
