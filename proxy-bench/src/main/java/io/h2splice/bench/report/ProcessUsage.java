package io.h2splice.bench.report;

import io.h2splice.bench.proc.CpuSplit;

/**
 * CPU and memory of one process (with its children) over a measured window.
 *
 * @param name       {@code sidecar A}, {@code nginx B}, {@code app}, {@code client}
 * @param role       {@code proxy}, {@code app} or {@code client}
 * @param cpuNanos   user + system CPU time in the window
 * @param cpuMsPer1k CPU milliseconds per 1,000 calls (unary) or messages (streams)
 * @param rssIdleKib RSS after start, before any load (0 when not taken)
 * @param rssPeakKib the highest RSS sampled during warm-up and the window
 * @param cpu        {@code cpuNanos} split by user/system and by thread kind
 * @param framing    how the DATA it received was framed (h2splice sidecars with a metrics page), else null
 */
public record ProcessUsage(String name, String role, long cpuNanos, double cpuMsPer1k, long rssIdleKib,
                           long rssPeakKib, CpuSplit cpu, Framing framing) {

    /** {@code nanos} of this process's CPU in ms per 1,000 calls or messages, as {@link #cpuMsPer1k} is. */
    public double per1k(long nanos) {
        return cpuNanos == 0 ? 0 : cpuMsPer1k * nanos / cpuNanos;
    }
}
