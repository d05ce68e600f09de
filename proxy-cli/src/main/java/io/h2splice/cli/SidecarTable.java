package io.h2splice.cli;

import io.h2splice.core.resolve.RegistryEntry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code h2splice list} prints: {@code dapr list}'s columns, as a table or as records for JSON/YAML. */
final class SidecarTable {

    static final List<String> HEADERS =
            List.of("APP ID", "HTTP PORT", "GRPC PORT", "APP PORT", "COMMAND", "AGE", "CREATED", "PID");
    /** {@code dapr list}'s CREATED format (Go's "2006-01-02 15:04.05"). */
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm.ss");

    private SidecarTable() {
    }

    /** A table with a header line, columns padded and separated by two spaces; ends with a newline. */
    static String render(List<RegistryEntry> entries, long nowMillis, ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (RegistryEntry e : entries) {
            rows.add(List.of(e.appId(), port(e.httpPort()), port(e.grpcPort()), port(e.appPort()), e.command(),
                    age(nowMillis - e.startedEpochMillis()), created(e.startedEpochMillis(), zone),
                    Long.toString(e.pid())));
        }
        int[] widths = new int[HEADERS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                b.append(cell);
                if (i < row.size() - 1) {
                    b.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One map per entry, for {@code --output json|yaml}. */
    static List<Map<String, Object>> records(List<RegistryEntry> entries, long nowMillis, ZoneId zone) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RegistryEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("appId", e.appId());
            m.put("namespace", e.namespace());
            m.put("httpPort", e.httpPort());
            m.put("grpcPort", e.grpcPort());
            m.put("internalGrpcPort", e.internalPort());
            m.put("appPort", e.appPort());
            m.put("metricsPort", e.metricsPort());
            m.put("command", e.command());
            m.put("age", age(nowMillis - e.startedEpochMillis()));
            m.put("created", created(e.startedEpochMillis(), zone));
            m.put("pid", e.pid());
            m.put("cliPid", e.cliPid());
            m.put("appPid", e.appPid());
            out.add(m);
        }
        return out;
    }

    /** {@code dapr list}'s AGE: whole seconds, minutes, hours or days. */
    static String age(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86_400) {
            return s / 3600 + "h";
        }
        return s / 86_400 + "d";
    }

    static String created(long epochMillis, ZoneId zone) {
        return CREATED.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    private static String port(int port) {
        return port < 0 ? "-" : Integer.toString(port);
    }
}
