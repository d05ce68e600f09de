package io.h2splice.core.trace;

import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.headers.HopHeaders;
import io.netty.handler.codec.http2.Http2Headers;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dapr's tracing of a proxied call: W3C {@code traceparent} (or OpenCensus {@code grpc-trace-bin}) in,
 * {@code ParentBased(TraceIdRatioBased(rate))} sampling, a CLIENT span on the caller's sidecar or a SERVER span on
 * the callee's, and the new span's context out.
 *
 * <p>Per call, on the event loop:
 * <ol>
 *   <li>Incoming context: a valid {@code grpc-trace-bin} first, else a valid {@code traceparent}; a malformed one
 *       counts as absent.</li>
 *   <li>Sampling, before anything is allocated: a parent's sampled flag decides; without a parent the last 8 bytes
 *       of a would-be trace id are drawn and {@link TraceIdRatio} decides on them (OpenTelemetry's rule, so the
 *       trace id of a sampled root is the one the decision was made on).</li>
 *   <li>Not sampled: nothing is allocated, nothing is rewritten (a parent's headers pass on as they came), and
 *       {@code null} is returned.</li>
 *   <li>Sampled: a span id is drawn; {@code traceparent} is replaced by the new span's context (flags {@code 01}),
 *       and {@code grpc-trace-bin} too when the request carried one, so the next hop's parent is this span;
 *       {@code tracestate} passes on untouched. With an exporter a {@link CallSpan} is returned, ended by the
 *       splice; without one (a rate above 0 and no endpoint) only the context is propagated and null is
 *       returned.</li>
 * </ol>
 *
 * <p>Thread-safe: shared by every event loop; nothing is locked (the counter is a {@link LongAdder}, the queue is
 * lock-free).
 */
final class W3cTracer implements CallTracer {

    private final TraceIdRatio ratio;
    /** Where ended spans go; null when nothing exports them. */
    private final SpanQueue queue;
    private final LongAdder started = new LongAdder();

    /**
     * @param samplingRate above 0 (0 means no tracer at all: {@link CallTracer#OFF}); 1 or more samples every root
     * @param queue        where ended spans go, or null to propagate context only
     */
    W3cTracer(double samplingRate, SpanQueue queue) {
        if (!(samplingRate > 0) || Double.isInfinite(samplingRate)) {
            throw new IllegalArgumentException("samplingRate must be above 0 for a tracer, got " + samplingRate);
        }
        this.ratio = new TraceIdRatio(samplingRate);
        this.queue = queue;
    }

    @Override
    public TracedCall start(Http2Headers headers, boolean server) {
        CharSequence bin = headers.get(HeaderNames.GRPC_TRACE_BIN);
        if (bin != null) {
            int options = GrpcTraceBin.flags(bin);
            if (options >= 0) {
                return (options & TraceParent.SAMPLED) == 0 ? null
                        : sampled(headers, server, GrpcTraceBin.traceIdHigh(bin), GrpcTraceBin.traceIdLow(bin),
                                GrpcTraceBin.spanId(bin), true);
            }
        }
        CharSequence parent = headers.get(HeaderNames.TRACEPARENT);
        if (parent != null) {
            int flags = TraceParent.flags(parent);
            if (flags >= 0) {
                return (flags & TraceParent.SAMPLED) == 0 ? null
                        : sampled(headers, server, TraceParent.traceIdHigh(parent), TraceParent.traceIdLow(parent),
                                TraceParent.spanId(parent), bin != null);
            }
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long traceIdLow = random.nextLong();
        if (!ratio.sampled(traceIdLow)) {
            return null;
        }
        long traceIdHigh = random.nextLong();
        if (traceIdHigh == 0 && traceIdLow == 0) {
            traceIdHigh = 1; // an all-zero trace id is invalid
        }
        return sampled(headers, server, traceIdHigh, traceIdLow, 0L, bin != null);
    }

    private TracedCall sampled(Http2Headers headers, boolean server, long traceIdHigh, long traceIdLow,
                               long parentSpanId, boolean hasBin) {
        started.increment();
        long spanId = newSpanId();
        CallSpan span = queue == null ? null : new CallSpan(traceIdHigh, traceIdLow, spanId, parentSpanId, server,
                String.valueOf(headers.path()), SpanAttributes.of(headers), System.nanoTime(), queue);
        HopHeaders.traceContext(headers, TraceParent.format(traceIdHigh, traceIdLow, spanId, TraceParent.SAMPLED),
                hasBin ? GrpcTraceBin.format(traceIdHigh, traceIdLow, spanId, TraceParent.SAMPLED) : null);
        return span;
    }

    private static long newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** Calls sampled so far (spans started, exported or not). */
    long started() {
        return started.sum();
    }

    /** The queue ended spans go to, or null when the tracer only propagates. */
    SpanQueue queue() {
        return queue;
    }
}
