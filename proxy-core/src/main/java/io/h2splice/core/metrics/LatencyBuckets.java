package io.h2splice.core.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Upper bounds, in milliseconds, of the latency histograms with Dapr's names ({@code le} labels). Validated here:
 * at least one, finite, positive, strictly increasing.
 */
public record LatencyBuckets(double[] millis) {

    /** Dapr's default {@code spec.metric.latencyDistributionBuckets}. */
    public static final LatencyBuckets DAPR = new LatencyBuckets(new double[] {
        1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 300, 400, 500, 650, 800,
        1000, 2000, 5000, 10000, 20000, 50000, 100000
    });

    public LatencyBuckets {
        millis = millis.clone();
        if (millis.length == 0) {
            throw new IllegalArgumentException("latency buckets: at least one bucket is required");
        }
        for (int i = 0; i < millis.length; i++) {
            double b = millis[i];
            if (!Double.isFinite(b) || b <= 0) {
                throw new IllegalArgumentException("latency buckets: each bound must be a positive number, got " + b);
            }
            if (i > 0 && b <= millis[i - 1]) {
                throw new IllegalArgumentException("latency buckets must increase, got " + millis[i - 1] + " then " + b);
            }
        }
    }

    public static LatencyBuckets of(List<? extends Number> bounds) {
        return new LatencyBuckets(bounds.stream().mapToDouble(Number::doubleValue).toArray());
    }

    @Override
    public double[] millis() {
        return millis.clone();
    }

    int size() {
        return millis.length;
    }

    double bound(int i) {
        return millis[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyBuckets b && Arrays.equals(millis, b.millis);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(millis);
    }

    @Override
    public String toString() {
        return Arrays.toString(millis);
    }
}
