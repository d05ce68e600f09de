package io.h2splice.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The self-contained HTML report: inline CSS and SVG, no script, no external asset. Per scenario a latency-percentile
 * chart (one line per topology) and the table; then each topology's start-up, the machine and the flags.
 */
public final class Html {

    private Html() {
    }

    public static String render(RunReport run) {
        Format f = new Format(true);
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>h2splice proxy-bench ")
                .append(escape(run.timestamp())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append("th{background:#f3f3f3}td.skip{color:#888}.note{color:#a40}")
                .append("code,pre{font-size:12px}h2{margin-top:1.6em}\n</style></head><body>\n");
        sb.append("<h1>h2splice proxy-bench</h1>\n<p>").append(escape(run.timestamp())).append(" · ")
                .append(escape(String.valueOf(run.machine().get("cores")))).append(" cores · ")
                .append(escape(String.valueOf(run.machine().get("cpuModel")))).append(" · ")
                .append(escape(String.valueOf(run.machine().get("memoryMiB")))).append(" MiB</p>\n");
        sb.append("<p>Latency is from the send (closed loop) or the intended send (open loop, corrected for "
                + "coordinated omission) to the answer; warm-up excluded. Added per hop = (topology − direct) / hops. "
                + "CPU is user + system time of each proxy process (with its workers) over the window, per 1,000 "
                + "calls or messages; RSS is VmRSS, idle before load → peak sampled during the run.</p>\n");
        for (ScenarioReport s : run.scenarios()) {
            sb.append("<h2>").append(escape(TextReport.title(s).replace("== ", "").replace(" ==", "")))
                    .append("</h2>\n");
            List<PercentileChart.Line> lines = new ArrayList<>();
            for (Cell c : s.cells()) {
                if (c.ok() && c.latency().count() > 0) {
                    lines.add(new PercentileChart.Line(c.topology(), c.latency().distribution()));
                }
            }
            sb.append(PercentileChart.svg(s.name() + " latency by percentile", lines));
            sb.append("<table>\n<tr>");
            List<String> header = Columns.header(s, f);
            for (String h : header) {
                sb.append("<th>").append(escape(h)).append("</th>");
            }
            sb.append("</tr>\n");
            for (Cell c : s.cells()) {
                List<String> row = Columns.row(s, c, f);
                sb.append("<tr>");
                for (int i = 0; i < row.size(); i++) {
                    if (row.size() < header.size() && i == 1) {
                        sb.append("<td class=\"skip\" colspan=\"").append(header.size() - 1).append("\">")
                                .append(escape(row.get(i))).append("</td>");
                    } else {
                        sb.append(i == 0 ? "<td>" : "<td class=\"n\">").append(escape(row.get(i))).append("</td>");
                    }
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
            for (String note : Columns.notes(s)) {
                sb.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
            }
        }
        sb.append("<h2>Topologies</h2>\n<table>\n<tr><th>topology</th><th>path</th><th>status</th>"
                + "<th>ready after start</th><th>idle RSS</th><th>software</th></tr>\n");
        for (TopologyReport t : run.topologies()) {
            sb.append("<tr><td>").append(escape(t.name())).append("</td><td>").append(escape(t.describe()))
                    .append("</td><td>").append(escape(t.status().equals("ok") ? "ok"
                            : t.status() + ": " + t.reason() + (t.detail() == null ? "" : " (" + t.detail() + ")")))
                    .append("</td><td>");
            List<String> ready = new ArrayList<>();
            t.readyMillis().forEach((k, v) -> ready.add(k + " " + v + " ms"));
            List<String> rss = new ArrayList<>();
            t.rssIdleKib().forEach((k, v) -> rss.add(k + " " + Format.mib(v) + " MiB"));
            sb.append(escape(String.join(", ", ready))).append("</td><td>").append(escape(String.join(", ", rss)))
                    .append("</td><td>").append(escape(t.software() == null ? "" : t.software()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n<h2>Machine and flags</h2>\n<pre>");
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("machine", run.machine());
        both.put("flags", run.flags());
        sb.append(escape(Json.write(both)));
        sb.append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
