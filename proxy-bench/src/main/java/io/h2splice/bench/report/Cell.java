package io.h2splice.bench.report;

import java.util.List;

/**
 * One scenario on one topology: its status and, when it ran, what was measured.
 *
 * @param status       {@code ok}, {@code failed} or {@code skipped}
 * @param reason       why not ok, one line; {@code null} when ok (errors during an ok run are in {@code errors})
 * @param elapsedNanos the measured window
 * @param errors       calls or streams that failed in the window
 * @param firstError   the first of them, or {@code null}
 * @param unfinished   calls or streams still in flight 10 s after the window, cancelled: a stall
 * @param latency      {@code null} unless ok
 * @param otherCores   CPU used during the window by processes other than the benchmark's, in cores (0.25 = a quarter
 *                     of one core): another workload on the machine makes the results noisy; NaN when unknown
 */
public record Cell(String topology, int hops, String status, String reason, long count, long elapsedNanos,
                   double perSecond, double megabytesPerSecond, long errors, String firstError, int unfinished,
                   Latency latency, List<ProcessUsage> processes, double otherCores) {

    public Cell {
        processes = processes == null ? List.of() : List.copyOf(processes);
    }

    public static Cell notRun(String topology, int hops, String status, String reason) {
        return new Cell(topology, hops, status, reason, 0, 0, 0, 0, 0, null, 0, null, List.of(), Double.NaN);
    }

    public boolean ok() {
        return "ok".equals(status);
    }

    /** The proxies' usage, in hop order. */
    public List<ProcessUsage> proxies() {
        return processes.stream().filter(p -> p.role().equals("proxy")).toList();
    }
}
