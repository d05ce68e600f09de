package io.h2splice.bench.report;

/**
 * CPU and memory of one process (with its children) over a measured window.
 *
 * @param name       {@code sidecar A}, {@code nginx B}, {@code app}, {@code client}
 * @param role       {@code proxy}, {@code app} or {@code client}
 * @param cpuNanos   user + system CPU time in the window
 * @param cpuMsPer1k CPU milliseconds per 1,000 calls (unary) or messages (streams)
 * @param rssIdleKib RSS after start, before any load (0 when not taken)
 * @param rssPeakKib the highest RSS sampled during warm-up and the window
 */
public record ProcessUsage(String name, String role, long cpuNanos, double cpuMsPer1k, long rssIdleKib,
                           long rssPeakKib) {
}
