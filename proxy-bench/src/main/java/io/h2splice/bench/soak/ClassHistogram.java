package io.h2splice.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of {@code jcmd <pid> GC.class_histogram}: live objects per class after the full collection the command
 * makes first, largest first, and the totals. A map that grows shows as a node class ({@code HashMap$Node},
 * {@code ConcurrentHashMap$Node}) and its owner's classes gaining instances from one histogram to the next.
 *
 * @param rows           every class, in jcmd's order (most bytes first)
 * @param totalInstances the {@code Total} line's instances
 * @param totalBytes     the {@code Total} line's bytes: the live heap
 */
record ClassHistogram(List<Row> rows, long totalInstances, long totalBytes) {

    //    1:          7884        1099056  [B (java.base@17.0.15)
    private static final Pattern ROW =
            Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** One class: its name without the module, its live instances and their shallow bytes. */
    record Row(String className, long instances, long bytes) {
    }

    ClassHistogram {
        rows = List.copyOf(rows);
    }

    /** @throws IllegalArgumentException when the text has no {@code Total} line (jcmd failed, or the JVM is gone) */
    static ClassHistogram parse(String jcmdOutput) {
        List<Row> rows = new ArrayList<>();
        for (String line : jcmdOutput.split("\\R")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new Row(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.matches()) {
                return new ClassHistogram(rows, Long.parseLong(t.group(1)), Long.parseLong(t.group(2)));
            }
        }
        throw new IllegalArgumentException("no 'Total' line in the class histogram: "
                + (jcmdOutput.length() > 200 ? jcmdOutput.substring(0, 200) + "..." : jcmdOutput).strip());
    }

    /** The first {@code n} rows by bytes, and every class whose name starts with one of {@code prefixes}. */
    List<Row> topAnd(int n, List<String> prefixes) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i < n || prefixes.stream().anyMatch(r.className()::startsWith)) {
                out.add(r);
            }
        }
        return out;
    }
}
