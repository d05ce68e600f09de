package io.h2splice.bench.load;

import org.HdrHistogram.Histogram;

import java.util.Objects;

/**
 * The measured window of one scenario on one topology.
 *
 * @param latencies    nanoseconds from the intended send (open loop) or the send (closed loop) to the answer, of the
 *                     calls (unary) or messages (streams) answered within the window
 * @param elapsedNanos the window's length
 * @param errors       calls or streams that ended with a status other than OK, or echoed the wrong size
 * @param firstError   the first of them, for the report; {@code null} without errors
 * @param payloadBytes the payload of one message, each way
 */
public record LoadResult(Histogram latencies, long elapsedNanos, long errors, String firstError, int payloadBytes) {

    public LoadResult {
        Objects.requireNonNull(latencies, "latencies");
    }

    /** Calls (unary) or echoed messages (streams) completed in the window. */
    public long count() {
        return latencies.getTotalCount();
    }

    public double perSecond() {
        return elapsedNanos <= 0 ? 0 : count() * 1e9 / elapsedNanos;
    }

    /** Payload bytes echoed per second, in MB (10^6 bytes), counted one way. */
    public double megabytesPerSecond() {
        return perSecond() * payloadBytes / 1e6;
    }
}
