package io.h2splice.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One quantity of one process over a phase: {@code RSS} of {@code sidecar A}, every 10 s. Points are (seconds since the
 * phase's load started, value). Appended by the sampling thread only; read after the phase.
 */
final class Series {

    /** What a value is: how it is shown, and the change below which it counts as flat whatever the percentage. */
    enum Unit {
        /** Bytes; flat within 1 MiB. */
        BYTES(1 << 20),
        /** A count of things held (descriptors, threads, connections); flat within 2. */
        COUNT(2),
        /**
         * A count of things in flight at the sample's instant ({@code h2splice_streams_active}): flat within 2, and
         * never judged on less noise than a Poisson count's (σ = √level), which is what calls that start and end
         * independently give.
         */
        IN_FLIGHT(2),
        /** Instances of a class in a histogram; flat within 1,000. */
        INSTANCES(1_000),
        /** Calls per second, counts per interval; never judged. */
        RATE(0);

        final double floor;

        Unit(double floor) {
            this.floor = floor;
        }
    }

    private final String metric;
    private final String process;
    private final Unit unit;
    private final boolean judged;
    private final List<double[]> points = new ArrayList<>();

    /** @param judged whether the soak's verdict includes it (a leak shows in it) or it is only plotted */
    Series(String metric, String process, Unit unit, boolean judged) {
        this.metric = Objects.requireNonNull(metric, "metric");
        this.process = Objects.requireNonNull(process, "process");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.judged = judged;
    }

    String metric() {
        return metric;
    }

    String process() {
        return process;
    }

    Unit unit() {
        return unit;
    }

    boolean judged() {
        return judged;
    }

    /** Adds a point; a negative value (the reading failed) is left out. */
    void add(double seconds, double value) {
        if (value >= 0 && Double.isFinite(value)) {
            points.add(new double[] {seconds, value});
        }
    }

    /** The points, oldest first: {seconds, value} each. */
    List<double[]> points() {
        return points;
    }
}
