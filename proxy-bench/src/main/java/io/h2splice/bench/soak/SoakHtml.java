package io.h2splice.bench.soak;

import io.h2splice.bench.report.Html;
import io.h2splice.bench.report.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code soak.html}, self-contained (inline CSS and SVG, no script): the verdict and its table, then per phase the
 * calls' outcomes, what the logs said, a chart per metric (one line per process) and the classes whose instance counts
 * moved most; then the machine and flags.
 */
final class SoakHtml {

    static final int CLASS_LINES = 10;

    private SoakHtml() {
    }

    static String render(SoakReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>h2splice soak ")
                .append(esc(r.timestamp())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}")
                .append(".pass{color:#060}.fail{color:#a00}code,pre{font-size:12px}h2{margin-top:1.6em}")
                .append("h3{margin:1.2em 0 .2em;font-size:15px}\n</style></head><body>\n");
        sb.append("<h1>h2splice soak</h1>\n<p>").append(esc(r.timestamp())).append(" · ")
                .append(esc(String.valueOf(r.machine().get("cores")))).append(" cores · ")
                .append(esc(String.valueOf(r.machine().get("cpuModel")))).append("</p>\n");
        sb.append("<p class=\"").append(r.passed() ? "pass" : "fail").append("\"><b>")
                .append(esc(r.verdictLine())).append("</b></p>\n");
        list(sb, r.failures());
        list(sb, r.warnings());
        sb.append("<p>Each judged series: the median of its samples from the warm-up mark (")
                .append(esc(Fmt.clock(r.warmupSeconds()))).append(") for ").append(esc(Fmt.clock(r.windowSeconds())))
                .append(" against the median of the last ").append(esc(Fmt.clock(r.windowSeconds())))
                .append(" (both shaded on the charts); flat when they differ by at most 10 %, the unit's floor (1 MiB, "
                        + "2 of a count) or three standard errors of the reference window's jitter, whichever is "
                        + "largest (the allowed change is in the table).</p>\n");
        verdictTable(sb, r.verdicts());
        for (int i = 0; i < r.phases().size(); i++) {
            phase(sb, r.phases().get(i), i == r.phases().size() - 1 ? r : null);
        }
        sb.append("<h2>Machine and flags</h2>\n<pre>");
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("machine", r.machine());
        both.put("flags", r.flags());
        sb.append(esc(Json.write(both))).append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    private static void verdictTable(StringBuilder sb, List<Flatness.Verdict> verdicts) {
        sb.append("<table>\n<tr><th>series</th><th>process</th><th>after warm-up</th><th>end</th><th>change</th>"
                + "<th>allowed</th><th>flat?</th></tr>\n");
        for (Flatness.Verdict v : verdicts) {
            Series.Unit u = v.series().unit();
            sb.append("<tr><td>").append(esc(v.series().metric())).append("</td><td>")
                    .append(esc(v.series().process())).append("</td><td class=\"n\">")
                    .append(esc(Fmt.value(u, v.reference()))).append("</td><td class=\"n\">")
                    .append(esc(Fmt.value(u, v.end()))).append("</td><td class=\"n\">")
                    .append(esc(v.describeChange())).append("</td><td class=\"n\">±")
                    .append(esc(Fmt.value(u, v.allowed()))).append("</td><td class=\"")
                    .append(v.state() == Flatness.State.GREW ? "fail" : "pass").append("\">")
                    .append(esc(v.state().name().toLowerCase(Locale.ROOT).replace('_', ' '))).append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void phase(StringBuilder sb, Phase.Result p, SoakReport judged) {
        sb.append("<h2>Phase ").append(esc(p.name())).append(": ").append(esc(Fmt.clock(p.ranSeconds())))
                .append(", Netty leak detection ").append(esc(p.leakLevel() == null ? "default" : p.leakLevel()))
                .append("</h2>\n");
        if (p.failure() != null) {
            sb.append("<p class=\"fail\">").append(esc(p.failure())).append("</p>\n");
        }
        Outcomes.Snapshot o = p.outcomes();
        sb.append(String.format(Locale.ROOT, "<p>%,d calls started, %,d ended, %,d unexpected, %d still running %d s "
                + "after the load stopped; %,d client connections opened (one replaced every %d s). Sidecar pids: %s."
                + "</p>%n", o.started(), o.ended(), o.unexpected(), p.stalled(), Phase.DRAIN_MILLIS / 1000,
                p.channelsOpened(), SoakLoad.ROTATE_EVERY_SECONDS, esc(p.pids().toString())));
        sb.append("<table>\n<tr><th>kind</th><th>how they ended</th></tr>\n");
        o.counts().forEach((kind, outcomes) -> {
            List<String> parts = new ArrayList<>();
            outcomes.forEach((k, n) -> parts.add(String.format(Locale.ROOT, "%s %,d", k, n)));
            sb.append("<tr><td>").append(esc(kind)).append("</td><td>").append(esc(String.join(" · ", parts)))
                    .append("</td></tr>\n");
        });
        sb.append("</table>\n");
        list(sb, o.examples());
        sb.append(String.format(Locale.ROOT, "<p>Sidecar logs: %d LEAK: lines, %d errors, %d warnings.</p>%n",
                p.logs().leaks(), p.logs().errors(), p.logs().warnings()));
        List<String> lines = new ArrayList<>(p.logs().leakLines());
        lines.addAll(p.logs().errorLines());
        lines.addAll(p.logs().warningLines());
        lines.addAll(p.notes());
        list(sb, lines);
        List<double[]> windows = new ArrayList<>();
        if (judged != null && p.ranSeconds() >= judged.warmupSeconds() + judged.windowSeconds()) {
            windows.add(new double[] {judged.warmupSeconds(), judged.warmupSeconds() + judged.windowSeconds()});
            windows.add(new double[] {p.ranSeconds() - judged.windowSeconds(), p.ranSeconds()});
        }
        Map<String, List<Series>> byProcess = new LinkedHashMap<>();
        p.timeline().byMetric().forEach((metric, series) -> {
            if (metric.startsWith("instances of ")) {
                series.forEach(s -> byProcess.computeIfAbsent(s.process(), k -> new ArrayList<>()).add(s));
                return;
            }
            List<TimeChart.Line> chart = series.stream().map(s -> new TimeChart.Line(s.process(), s.points()))
                    .toList();
            sb.append("<h3>").append(esc(metric)).append("</h3>\n")
                    .append(TimeChart.svg(metric, series.get(0).unit(), axis(metric), chart, windows));
        });
        byProcess.forEach((process, series) -> {
            double from = judged == null ? 0 : judged.warmupSeconds();
            List<Series> moved = new ArrayList<>(series);
            moved.sort(Comparator.comparingDouble((Series s) -> movement(s, from)).reversed());
            List<TimeChart.Line> chart = moved.subList(0, Math.min(CLASS_LINES, moved.size())).stream()
                    .map(s -> new TimeChart.Line(simpleName(s.metric().substring("instances of ".length())),
                            s.points()))
                    .toList();
            sb.append("<h3>").append(esc(process)).append(": instances of the ").append(chart.size())
                    .append(" classes that moved most").append(from > 0 ? " after the warm-up" : "")
                    .append(" (jcmd GC.class_histogram, every 60 s)</h3>\n")
                    .append(TimeChart.svg(process + " class instances", Series.Unit.INSTANCES, "instances", chart,
                            windows));
        });
        if (judged != null && !judged.classes().isEmpty()) {
            sb.append("<p>Class instances, judged as the series above (flat within 10 % or 1,000 instances); for the "
                    + "report only:</p>\n");
            List<Flatness.Verdict> notFlat = judged.classes().stream()
                    .filter(v -> v.state() == Flatness.State.GREW || v.state() == Flatness.State.FELL).toList();
            verdictTable(sb, notFlat.isEmpty() ? judged.classes().subList(0, Math.min(10, judged.classes().size()))
                    : notFlat);
        }
    }

    /** The y axis' title for a metric. */
    static String axis(String metric) {
        if (metric.startsWith("CPU")) {
            return "cores";
        }
        return metric.contains("per second") ? "per second" : "count";
    }

    /** The class name without its package ({@code DefaultHttp2Headers$Http2HeaderEntry}) and hidden-class suffix. */
    static String simpleName(String className) {
        int slash = className.indexOf('/');  // a lambda's hidden-class suffix
        String c = slash > 0 ? className.substring(0, slash) : className;
        return c.startsWith("[") ? c : c.substring(c.lastIndexOf('.') + 1);
    }

    /** How far a series moved from its first point at or after {@code from} (else its first) to its last. */
    private static double movement(Series s, double from) {
        List<double[]> pts = s.points();
        if (pts.isEmpty()) {
            return 0;
        }
        double[] first = pts.stream().filter(p -> p[0] >= from).findFirst().orElse(pts.get(0));
        return Math.abs(pts.get(pts.size() - 1)[1] - first[1]);
    }

    private static void list(StringBuilder sb, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        sb.append("<ul>\n");
        for (String l : lines) {
            sb.append("<li><code>").append(esc(l)).append("</code></li>\n");
        }
        sb.append("</ul>\n");
    }

    private static String esc(String s) {
        return Html.escape(s);
    }
}
