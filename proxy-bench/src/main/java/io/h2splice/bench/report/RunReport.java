package io.h2splice.bench.report;

import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured: when, on what machine, with which flags, each topology's fate and each
 * scenario's results.
 *
 * @param machine what {@link Machine#describe()} returns: cores, CPU model, memory, OS, JVM
 * @param flags   the options and what they resolved to (sidecar JVM flags, jar, transports)
 */
public record RunReport(String timestamp, Map<String, Object> machine, Map<String, Object> flags,
                        List<TopologyReport> topologies, List<ScenarioReport> scenarios) {

    public RunReport {
        topologies = List.copyOf(topologies);
        scenarios = List.copyOf(scenarios);
    }
}
