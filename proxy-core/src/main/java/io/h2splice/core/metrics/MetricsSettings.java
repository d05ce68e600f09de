package io.h2splice.core.metrics;

/**
 * How the call metrics are kept.
 *
 * @param enabled   false turns the per-call families off ({@code --enable-metrics=false} or
 *                  {@code spec.metric.enabled: false}): nothing is looked up or recorded per call
 * @param buckets   the {@code le} bounds of the latency histograms with Dapr's names
 * @param maxSeries the most distinct label values kept per family (methods, app ids); further values are counted
 *                  under {@code other}, so a client sending random method names cannot grow memory without bound
 */
public record MetricsSettings(boolean enabled, LatencyBuckets buckets, int maxSeries) {

    public static final int DEFAULT_MAX_SERIES = 1000;

    public MetricsSettings {
        if (buckets == null) {
            throw new IllegalArgumentException("latency buckets are required");
        }
        if (maxSeries < 1 || maxSeries > 100_000) {
            throw new IllegalArgumentException("maxSeries must be in 1..100000, got " + maxSeries);
        }
    }

    public static MetricsSettings defaults() {
        return new MetricsSettings(true, LatencyBuckets.DAPR, DEFAULT_MAX_SERIES);
    }
}
