package io.h2splice.bench.report;

import java.util.List;

/**
 * One scenario's results on every topology, in the order run.
 *
 * @param name     {@code unary-16B-c64}
 * @param describe {@code unary 16 B, 64 in flight}
 * @param loop     {@code closed} or {@code open}
 * @param rate     the open loop's sends per second; 0 for closed
 * @param payloadBytes per message, each way
 */
public record ScenarioReport(String name, String describe, String loop, double rate, int payloadBytes,
                             boolean streaming, List<Cell> cells) {

    public ScenarioReport {
        cells = List.copyOf(cells);
    }

    /** The {@code direct} cell when it ran, else {@code null}. */
    public Cell direct() {
        for (Cell c : cells) {
            if (c.topology().equals("direct") && c.ok()) {
                return c;
            }
        }
        return null;
    }

    /**
     * Latency added per hop over direct at a percentile, in nanoseconds: (topology - direct) / hops; {@code null}
     * when either did not run or the topology has no hops.
     */
    public Double addedPerHop(Cell c, double percentile) {
        Cell d = direct();
        if (d == null || !c.ok() || c.hops() == 0) {
            return null;
        }
        return (double) (c.latency().at(percentile) - d.latency().at(percentile)) / c.hops();
    }

    /** Throughput as a share of direct's; {@code null} without direct. */
    public Double shareOfDirect(Cell c) {
        Cell d = direct();
        if (d == null || !c.ok() || d.perSecond() == 0) {
            return null;
        }
        return c.perSecond() / d.perSecond();
    }
}
