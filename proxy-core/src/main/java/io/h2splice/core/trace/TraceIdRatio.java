package io.h2splice.core.trace;

/**
 * The root decision of {@code ParentBased(TraceIdRatioBased(rate))}, made as OpenTelemetry's
 * {@code TraceIdRatioBased} makes it: a trace is sampled when the absolute value of its trace id's last 8 bytes is
 * below {@code rate * Long.MAX_VALUE}. The tracer draws those 8 bytes first and decides on them, so a call that is
 * not sampled needs no trace id at all, and a sampled one gets the id the decision was made on.
 */
final class TraceIdRatio {

    private final boolean always;
    private final long upperBound;

    /** @param rate 0 never (tracing is off then), at least 1 always */
    TraceIdRatio(double rate) {
        if (!(rate >= 0)) {
            throw new IllegalArgumentException("rate must be at least 0, got " + rate);
        }
        this.always = rate >= 1;
        // As OpenTelemetry: at 0 the bound is MIN_VALUE, so even abs(MIN_VALUE) (negative) is not below it.
        this.upperBound = rate >= 1 ? Long.MAX_VALUE : rate == 0 ? Long.MIN_VALUE : (long) (rate * Long.MAX_VALUE);
    }

    /** @param traceIdLow the last 8 bytes of the (would-be) trace id */
    boolean sampled(long traceIdLow) {
        return always || Math.abs(traceIdLow) < upperBound;
    }
}
