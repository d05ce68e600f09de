package io.h2splice.bench.report;

import java.util.Map;

/**
 * How a topology went: started, skipped or failed, and what it started.
 *
 * @param status      {@code ok}, {@code skipped} or {@code failed}
 * @param reason      why not ok, one line
 * @param detail      what showed it (a process's line), or {@code null}
 * @param software    the proxies' name and version, or {@code null}
 * @param readyMillis from process start to ready, by proxy
 * @param rssIdleKib  RSS after start, before load, by proxy
 */
public record TopologyReport(String name, String describe, int hops, String status, String reason, String detail,
                             String software, Map<String, Long> readyMillis, Map<String, Long> rssIdleKib) {

    public TopologyReport {
        readyMillis = readyMillis == null ? Map.of() : Map.copyOf(readyMillis);
        rssIdleKib = rssIdleKib == null ? Map.of() : Map.copyOf(rssIdleKib);
    }
}
