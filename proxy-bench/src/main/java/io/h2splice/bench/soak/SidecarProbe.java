package io.h2splice.bench.soak;

import io.h2splice.bench.proc.MetricsPage;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads one sidecar's state into a {@link Timeline}: from {@code /proc} its RSS, threads and open descriptors; from
 * its performance counters the heap after the last collection, the heap committed and the metaspace used; every gauge
 * of its metrics page; and, when asked ({@link #histogram}), {@code jcmd GC.class_histogram}: the live heap after that
 * full collection and the instances of the largest classes and of h2splice's own. A reading that fails leaves a gap.
 */
final class SidecarProbe {

    /** Classes of the histogram kept beside the {@value #TOP} largest: every class of h2splice's own. */
    static final List<String> OWN = List.of("io.h2splice.");
    static final int TOP = 20;

    private final String name;
    private final long pid;
    private final int metricsPort;
    private final java.util.Set<String> tracked = new java.util.LinkedHashSet<>();
    private String lastError;

    SidecarProbe(String name, long pid, int metricsPort) {
        this.name = name;
        this.pid = pid;
        this.metricsPort = metricsPort;
    }

    String name() {
        return name;
    }

    long pid() {
        return pid;
    }

    /** What failed last (a jcmd, the metrics page), or {@code null}. */
    String lastError() {
        return lastError;
    }

    /** One sample at {@code t} seconds: the cheap readings (no process started, nothing collected). */
    void sample(Timeline tl, double t) {
        tl.add(name, "RSS", Series.Unit.BYTES, true, t, ProcCounts.rssBytes(pid));
        Map<String, Long> counters = PerfData.read(pid);
        tl.add(name, "heap after GC", Series.Unit.BYTES, true, t, PerfData.heapAfterGc(counters));
        tl.add(name, "heap committed", Series.Unit.BYTES, false, t, PerfData.heapCommitted(counters));
        tl.add(name, "metaspace used", Series.Unit.BYTES, true, t,
                counters.getOrDefault("sun.gc.metaspace.used", -1L));
        tl.add(name, "threads", Series.Unit.COUNT, true, t, ProcCounts.threads(pid));
        tl.add(name, "open file descriptors", Series.Unit.COUNT, true, t, ProcCounts.openFds(pid));
        String page = metricsPage();
        if (page != null) {
            GaugeText.gauges(page).forEach((series, value) -> tl.add(name, series, unit(series), true, t, value));
        }
    }

    /** Bytes for {@code *_bytes}, things in flight for {@code *_active}, else a count of things held. */
    static Series.Unit unit(String gauge) {
        String name = gauge.contains("{") ? gauge.substring(0, gauge.indexOf('{')) : gauge;
        return name.endsWith("_bytes") ? Series.Unit.BYTES
                : name.endsWith("_active") ? Series.Unit.IN_FLIGHT : Series.Unit.COUNT;
    }

    /** {@code jcmd GC.class_histogram} at {@code t}: the live heap and the kept classes' instances; null on failure. */
    ClassHistogram histogram(Timeline tl, double t) throws InterruptedException {
        ClassHistogram h;
        try {
            h = ClassHistogram.parse(Jcmd.run(pid, "GC.class_histogram"));
        } catch (IOException | IllegalArgumentException e) {
            lastError = e.getMessage();
            return null;
        }
        tl.add(name, "live heap (after a full GC, every 60 s)", Series.Unit.BYTES, true, t, h.totalBytes());
        // a class once kept stays kept, with 0 when it is gone: its line does not stop where it left the top
        h.topAnd(TOP, OWN).forEach(r -> tracked.add(r.className()));
        Map<String, Long> instances = new java.util.HashMap<>();
        h.rows().forEach(r -> instances.merge(r.className(), r.instances(), Long::sum));
        for (String c : tracked) {
            tl.add(name, "instances of " + c, Series.Unit.INSTANCES, false, t, instances.getOrDefault(c, 0L));
        }
        return h;
    }

    /** The metrics page's text, or null (the failure kept in {@link #lastError}). */
    private String metricsPage() {
        try {
            return MetricsPage.fetch(metricsPort);
        } catch (IOException e) {
            lastError = "metrics page of " + name + ": " + (e.getMessage() != null && e.getMessage().startsWith("HTTP ")
                    ? e.getMessage() : e);
            return null;
        }
    }
}
