package io.h2splice.core.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The counters and latency histograms of one label set (an app id or a method), by final gRPC status.
 *
 * <p>Recording is lock-free and allocation-free: each event loop writes only its own slots (single writer, published
 * with {@code lazySet}), and its latency goes to its own HdrHistogram {@link SingleWriterRecorder} (created the first
 * time that loop sees that status for this label set). A scrape sums the slots and merges the recorders' intervals
 * into cumulative histograms; scrapes are serialised on this object, which the event loops never lock.
 */
public final class CallSeries {

    /** gRPC status codes 0..16; anything else is recorded as UNKNOWN (2). */
    static final int STATUSES = 17;
    /** Latencies above 1 000 s are recorded as 1 000 s. */
    private static final long MAX_MICROS = 1_000_000_000L;

    private final String label;
    private final boolean streaming;
    private final int loops;
    private final AtomicLongArray starts;
    private final AtomicLongArray ends;
    private final AtomicLongArray micros;
    private final AtomicReferenceArray<SingleWriterRecorder> latency;
    /** Scrape side, guarded by {@code this}: cumulative latency per status. */
    private final Histogram[] merged = new Histogram[STATUSES];

    CallSeries(String label, boolean streaming, int loops) {
        this.label = label;
        this.streaming = streaming;
        this.loops = loops;
        this.starts = new AtomicLongArray(loops);
        this.ends = new AtomicLongArray(loops * STATUSES);
        this.micros = new AtomicLongArray(loops * STATUSES);
        this.latency = new AtomicReferenceArray<>(loops * STATUSES);
    }

    /** The label value: an app id, {@code app.namespace}, a method, or {@code other}. */
    public String label() {
        return label;
    }

    public boolean streaming() {
        return streaming;
    }

    // === recording: on event loop {@code loop} only ===

    /** A call (or, for calls to another sidecar, an attempt) started. */
    void started(int loop) {
        starts.lazySet(loop, starts.get(loop) + 1);
    }

    /** A call ended; its latency goes to the histogram only when {@code timed}. */
    void ended(int loop, int grpcStatus, long nanos, boolean timed) {
        int i = loop * STATUSES + status(grpcStatus);
        ends.lazySet(i, ends.get(i) + 1);
        if (!timed) {
            return;
        }
        long us = Math.min(Math.max(nanos / 1000, 0), MAX_MICROS);
        micros.lazySet(i, micros.get(i) + us);
        SingleWriterRecorder r = latency.get(i);
        if (r == null) { // once per (loop, status) for this label set
            r = new SingleWriterRecorder(2);
            latency.lazySet(i, r);
        }
        r.recordValue(us);
    }

    static int status(int grpcStatus) {
        return grpcStatus >= 0 && grpcStatus < STATUSES ? grpcStatus : 2;
    }

    // === reading: any thread ===

    public long started() {
        long n = 0;
        for (int l = 0; l < loops; l++) {
            n += starts.get(l);
        }
        return n;
    }

    public long ended(int grpcStatus) {
        long n = 0;
        for (int l = 0; l < loops; l++) {
            n += ends.get(l * STATUSES + grpcStatus);
        }
        return n;
    }

    /** Sum of the timed latencies with this status, in microseconds. */
    long latencyMicros(int grpcStatus) {
        long n = 0;
        for (int l = 0; l < loops; l++) {
            n += micros.get(l * STATUSES + grpcStatus);
        }
        return n;
    }

    /**
     * The cumulative latency histogram (microseconds) of calls with this status, or null when none was timed. The
     * returned histogram is the scrape's own: read it while holding this object's monitor.
     */
    synchronized Histogram latency(int grpcStatus) {
        Histogram h = merged[grpcStatus];
        for (int l = 0; l < loops; l++) {
            SingleWriterRecorder r = latency.get(l * STATUSES + grpcStatus);
            if (r != null) {
                if (h == null) {
                    h = new Histogram(2);
                    merged[grpcStatus] = h;
                }
                h.add(r.getIntervalHistogram());
            }
        }
        return h;
    }
}
