package io.h2splice.bench.soak;

import io.h2splice.bench.report.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code soak.json}: the verdict, the machine and flags, then per phase the calls' outcomes, the logs' leak and
 * warning lines, and every series as {@code [seconds, value]} points; then each judged series' reference, end and
 * state. Bytes are bytes, times seconds.
 */
final class SoakJson {

    private SoakJson() {
    }

    static String render(SoakReport r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("timestamp", r.timestamp());
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("passed", r.passed());
        verdict.put("line", r.verdictLine());
        verdict.put("failures", r.failures());
        verdict.put("warnings", r.warnings());
        root.put("verdict", verdict);
        root.put("machine", r.machine());
        root.put("flags", r.flags());
        List<Object> phases = new ArrayList<>();
        for (Phase.Result p : r.phases()) {
            phases.add(phase(p));
        }
        root.put("phases", phases);
        Map<String, Object> flatness = new LinkedHashMap<>();
        flatness.put("phase", r.phases().isEmpty() ? null : r.phases().get(r.phases().size() - 1).name());
        flatness.put("warmupSeconds", r.warmupSeconds());
        flatness.put("windowSeconds", r.windowSeconds());
        flatness.put("tolerance", SoakReport.TOLERANCE);
        flatness.put("series", verdicts(r.verdicts()));
        flatness.put("classInstances", verdicts(r.classes()));
        root.put("flatness", flatness);
        return Json.write(root);
    }

    private static Map<String, Object> phase(Phase.Result p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("nettyLeakDetectionLevel", p.leakLevel() == null ? "default (simple)" : p.leakLevel());
        m.put("plannedSeconds", p.plannedSeconds());
        m.put("ranSeconds", p.ranSeconds());
        m.put("failure", p.failure());
        m.put("pids", p.pids());
        m.put("readyMillis", p.readyMillis());
        Map<String, Object> calls = new LinkedHashMap<>();
        calls.put("started", p.outcomes().started());
        calls.put("ended", p.outcomes().ended());
        calls.put("unexpected", p.outcomes().unexpected());
        calls.put("stalledAtTheEnd", p.stalled());
        calls.put("clientConnectionsOpened", p.channelsOpened());
        calls.put("byKind", p.outcomes().counts());
        calls.put("unexpectedExamples", p.outcomes().examples());
        m.put("calls", calls);
        Map<String, Object> logs = new LinkedHashMap<>();
        logs.put("leaks", p.logs().leaks());
        logs.put("warnings", p.logs().warnings());
        logs.put("errors", p.logs().errors());
        logs.put("leakLines", p.logs().leakLines());
        logs.put("warningLines", p.logs().warningLines());
        logs.put("errorLines", p.logs().errorLines());
        m.put("logs", logs);
        m.put("notes", p.notes());
        List<Object> series = new ArrayList<>();
        for (Series s : p.timeline().all()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("metric", s.metric());
            x.put("process", s.process());
            x.put("unit", s.unit().name().toLowerCase(java.util.Locale.ROOT));
            x.put("judged", s.judged());
            List<Object> pts = new ArrayList<>();
            for (double[] pt : s.points()) {
                pts.add(List.of(Math.round(pt[0] * 10) / 10.0, pt[1]));
            }
            x.put("points", pts);
            series.add(x);
        }
        m.put("series", series);
        return m;
    }

    private static List<Object> verdicts(List<Flatness.Verdict> vs) {
        List<Object> out = new ArrayList<>();
        for (Flatness.Verdict v : vs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", v.series().metric());
            m.put("process", v.series().process());
            m.put("reference", v.reference());
            m.put("end", v.end());
            m.put("change", v.change());
            m.put("allowed", v.allowed());
            m.put("state", v.state().name().toLowerCase(java.util.Locale.ROOT));
            out.add(m);
        }
        return out;
    }
}
