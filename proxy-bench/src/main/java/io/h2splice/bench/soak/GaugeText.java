package io.h2splice.bench.soak;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gauges of a sidecar's metrics page (Prometheus text format): every sample of every family whose {@code # TYPE}
 * is {@code gauge}, keyed by the sample as written ({@code h2splice_connections_open{side="api"}}), so a gauge added
 * to h2splice later is sampled without a change here. Left out: {@code h2splice_info} (always 1),
 * {@code h2splice_memory_budget_bytes} (the flag's value) and gauges in {@code _seconds} (times, such as a
 * certificate's expiry, not things held).
 */
final class GaugeText {

    static final Set<String> CONSTANT = Set.of("h2splice_info", "h2splice_memory_budget_bytes");

    private GaugeText() {
    }

    static Map<String, Double> gauges(String exposition) {
        Map<String, Double> out = new LinkedHashMap<>();
        String family = null;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] f = line.substring(7).trim().split("\\s+");
                family = f.length == 2 && f[1].equals("gauge") && !CONSTANT.contains(f[0])
                        && !f[0].endsWith("_seconds") ? f[0] : null;
                continue;
            }
            if (family == null || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String series = line.substring(0, space).trim();
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            if (!name.equals(family)) {
                continue;
            }
            try {
                out.put(series, Double.parseDouble(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // not a number: not a sample that can be plotted
            }
        }
        return out;
    }
}
