package io.h2splice.bench.load;

import io.grpc.Status;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latencies and errors of one run. The load generator's event loop is the only writer; the runner reads intervals
 * (warm-up, then the measured window) from its own thread through the {@link SingleWriterRecorder}.
 */
final class Stats {

    /** Latencies above this are recorded as this (the histogram's range). */
    static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(MAX_NANOS, 3);
    private final AtomicLong errors = new AtomicLong();
    private volatile String firstError;

    /** Event loop only. */
    void record(long nanos) {
        recorder.recordValue(Math.max(0, Math.min(nanos, MAX_NANOS)));
    }

    /** Event loop only. */
    void error(String description) {
        if (firstError == null) {
            firstError = description;
        }
        errors.incrementAndGet();
    }

    void error(Status status) {
        error(describe(status));
    }

    /** The latencies since the last call, and a fresh interval from now on. */
    Histogram interval() {
        return recorder.getIntervalHistogram();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError;
    }

    void clearFirstError() {
        firstError = null;
    }

    static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().name()
                : status.getCode() + ": " + status.getDescription();
    }
}
