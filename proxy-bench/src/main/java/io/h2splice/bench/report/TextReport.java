package io.h2splice.bench.report;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The console report: one table per scenario, then each topology's start-up. */
public final class TextReport {

    private final Format f;

    /** @param unicode whether the console can show µ and → */
    public TextReport(boolean unicode) {
        this.f = new Format(unicode);
    }

    /** Whether standard output's encoding (Java 17: {@code sun.stdout.encoding}, else native) can show µ and →. */
    public static boolean consoleIsUnicode() {
        String enc = System.getProperty("sun.stdout.encoding", System.getProperty("native.encoding", "US-ASCII"));
        try {
            return Charset.forName(enc).newEncoder().canEncode("µ→");
        } catch (RuntimeException e) {
            return false;
        }
    }

    public String render(RunReport run) {
        StringBuilder sb = new StringBuilder();
        for (ScenarioReport s : run.scenarios()) {
            sb.append('\n').append(title(s)).append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(Columns.header(s, f));
            for (Cell c : s.cells()) {
                rows.add(Columns.row(s, c, f));
            }
            table(sb, rows);
            List<String> split = Columns.cpuSplit(s);
            if (!split.isEmpty()) {
                sb.append("  CPU ms/1k ").append(s.streaming() ? "msgs" : "calls").append(" by kind:").append('\n');
                split.forEach(line -> sb.append("    ").append(line).append('\n'));
            }
            List<String> framing = Columns.framing(s);
            if (!framing.isEmpty()) {
                sb.append("  DATA frames received per ").append(s.streaming() ? "message" : "call").append(':')
                        .append('\n');
                framing.forEach(line -> sb.append("    ").append(line).append('\n'));
            }
            for (String note : Columns.notes(s)) {
                sb.append("  ! ").append(note).append('\n');
            }
        }
        sb.append('\n').append("start-up (ms from process start to ready; RSS MiB idle)").append('\n');
        for (TopologyReport t : run.topologies()) {
            sb.append("  ").append(String.format(Locale.ROOT, "%-10s", t.name())).append(' ');
            if (!t.status().equals("ok")) {
                sb.append(t.status()).append(": ").append(t.reason());
                if (t.detail() != null) {
                    sb.append(" (").append(t.detail()).append(')');
                }
            } else if (t.readyMillis().isEmpty()) {
                sb.append(t.describe());
            } else {
                List<String> parts = new ArrayList<>();
                t.readyMillis().forEach((name, ms) -> parts.add(name + " " + ms + " ms, "
                        + Format.mib(t.rssIdleKib().getOrDefault(name, 0L)) + " MiB"));
                sb.append(String.join("; ", parts));
                if (t.software() != null) {
                    sb.append(" (").append(t.software()).append(')');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String title(ScenarioReport s) {
        return "== " + s.name() + ": " + s.describe() + ", "
                + (s.loop().equals("open") ? "open loop at " + Format.count(s.rate()) + "/s" : "closed loop") + " ==";
    }

    /** Left-aligned first column, right-aligned numbers; a short row (not run) spans the rest. */
    private static void table(StringBuilder sb, List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] w = new int[cols];
        for (List<String> r : rows) {
            if (r.size() == cols) {
                for (int i = 0; i < cols; i++) {
                    w[i] = Math.max(w[i], r.get(i).codePointCount(0, r.get(i).length()));
                }
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                int pad = w[i] - cell.codePointCount(0, cell.length());
                if (i == 0) {
                    line.append(cell).append(" ".repeat(Math.max(0, pad)));
                } else if (r.size() < cols) {
                    line.append("  ").append(cell);
                } else {
                    line.append("  ").append(" ".repeat(Math.max(0, pad))).append(cell);
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
