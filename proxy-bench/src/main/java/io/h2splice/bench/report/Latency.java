package io.h2splice.bench.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The latency summary of one measured window, in nanoseconds, taken from its HdrHistogram: the percentiles the
 * tables show, the percentile distribution the chart draws, and the histogram itself (compressed, Base64) so the JSON
 * can be re-read with HdrHistogram's tools.
 *
 * @param distribution points (percentile, nanoseconds) of HdrHistogram's percentile iteration, up to 99.99 %
 */
public record Latency(long count, double meanNanos, long p50, long p90, long p99, long p999, long p9999, long max,
                      List<Point> distribution, String histogramBase64) {

    /** One point of the percentile distribution. */
    public record Point(double percentile, long nanos) {
    }

    /** The chart's right edge: 99.99 %. */
    public static final double CHART_MAX_PERCENTILE = 99.99;

    public Latency {
        distribution = List.copyOf(distribution);
    }

    public static Latency of(Histogram h) {
        List<Point> points = new ArrayList<>();
        if (h.getTotalCount() > 0) {
            for (HistogramIterationValue v : h.percentiles(5)) {
                double pct = v.getPercentileLevelIteratedTo();
                if (pct >= CHART_MAX_PERCENTILE) {
                    break;
                }
                points.add(new Point(pct, h.highestEquivalentValue(v.getValueIteratedTo())));
            }
            points.add(new Point(CHART_MAX_PERCENTILE, h.getValueAtPercentile(CHART_MAX_PERCENTILE)));
        }
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        String encoded = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
        return new Latency(h.getTotalCount(), h.getTotalCount() == 0 ? 0 : h.getMean(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getValueAtPercentile(99.99), h.getMaxValue(), points, encoded);
    }

    /** The value at one of the tables' percentiles: 50, 90, 99, 99.9, 99.99. */
    public long at(double percentile) {
        if (percentile == 50) {
            return p50;
        } else if (percentile == 90) {
            return p90;
        } else if (percentile == 99) {
            return p99;
        } else if (percentile == 99.9) {
            return p999;
        } else if (percentile == 99.99) {
            return p9999;
        }
        throw new IllegalArgumentException("not a reported percentile: " + percentile);
    }
}
