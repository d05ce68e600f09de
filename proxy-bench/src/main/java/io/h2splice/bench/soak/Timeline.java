package io.h2splice.bench.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every series of a phase, in the order they first got a point. Written by the sampling thread only, read after the
 * phase (the phase joins that thread first).
 */
final class Timeline {

    private final Map<String, Series> series = new LinkedHashMap<>();

    /** Adds a point to the series of {@code metric} for {@code process}, made on first use. */
    void add(String process, String metric, Series.Unit unit, boolean judged, double seconds, double value) {
        series.computeIfAbsent(process + " · " + metric, k -> new Series(metric, process, unit, judged))
                .add(seconds, value);
    }

    List<Series> all() {
        return new ArrayList<>(series.values());
    }

    /** The metrics in first-seen order, each with its series (one per process). */
    Map<String, List<Series>> byMetric() {
        Map<String, List<Series>> out = new LinkedHashMap<>();
        for (Series s : series.values()) {
            out.computeIfAbsent(s.metric(), k -> new ArrayList<>()).add(s);
        }
        return out;
    }
}
