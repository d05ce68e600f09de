package io.h2splice.core.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The per-call families with Dapr's names, for one sidecar: label sets by target app (caller's side), by calling
 * app (callee's side) and by method (API listener), plus h2splice's own "latency added" histogram (request HEADERS
 * in → request HEADERS out), one HdrHistogram recorder per event loop and listener.
 *
 * <p>Written by the event loops through their {@link LoopMetrics}; read by scrapes ({@link CallMetricsText}).
 */
public final class CallMetrics {

    /** Listener index for {@link #addedLatency}: the API port (the caller's side) or the internal port. */
    static final int API = 0;
    static final int INTERNAL = 1;

    private final MetricsSettings settings;
    private final int loops;
    final SeriesTable targetsUnary;
    final SeriesTable targetsStreaming;
    final SeriesTable callers;
    final SeriesTable methods;
    private final SingleWriterRecorder[] added;
    /** Scrape side, guarded by {@code this}. */
    private final Histogram[] addedMerged = new Histogram[2];

    public CallMetrics(MetricsSettings settings, int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be at least 1");
        }
        this.settings = settings;
        this.loops = loops;
        int max = settings.maxSeries();
        this.targetsUnary = new SeriesTable(max, false, loops);
        this.targetsStreaming = new SeriesTable(max, true, loops);
        this.callers = new SeriesTable(max, false, loops);
        this.methods = new SeriesTable(max, false, loops);
        this.added = new SingleWriterRecorder[loops * 2];
        for (int i = 0; i < added.length; i++) {
            added[i] = new SingleWriterRecorder(2);
        }
    }

    public MetricsSettings settings() {
        return settings;
    }

    /**
     * The writer handle of event loop number {@code index} (0-based, below the loop count) of a sidecar in
     * {@code ownNamespace}.
     */
    public LoopMetrics forLoop(int index, String ownNamespace) {
        if (index < 0 || index >= loops) {
            throw new IllegalArgumentException("loop index " + index + " out of 0.." + (loops - 1));
        }
        return new LoopMetrics(this, index, ownNamespace);
    }

    void recordAdded(int loop, int listener, long nanos) {
        added[loop * 2 + listener].recordValue(Math.max(nanos, 0));
    }

    /** Cumulative added-latency histogram (nanoseconds) of one listener; read it holding this object's monitor. */
    synchronized Histogram addedLatency(int listener) {
        Histogram h = addedMerged[listener];
        if (h == null) {
            h = new Histogram(2);
            addedMerged[listener] = h;
        }
        for (int l = 0; l < loops; l++) {
            h.add(added[l * 2 + listener].getIntervalHistogram());
        }
        return h;
    }
}
