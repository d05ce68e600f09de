package io.h2splice.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as one JSON object. Latencies are in microseconds; {@code percentiles} is the distribution the chart draws
 * ([percentile, µs] pairs up to 99.99) and {@code hdrHistogram} the whole window's histogram in nanoseconds
 * (HdrHistogram's compressed encoding, Base64: {@code Histogram.decodeFromCompressedByteBuffer}).
 */
public final class JsonReport {

    private JsonReport() {
    }

    public static String render(RunReport run) {
        return Json.write(tree(run));
    }

    static Map<String, Object> tree(RunReport run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "h2splice proxy-bench");
        m.put("timestamp", run.timestamp());
        m.put("machine", run.machine());
        m.put("flags", run.flags());
        List<Object> topologies = new ArrayList<>();
        for (TopologyReport t : run.topologies()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", t.name());
            o.put("describe", t.describe());
            o.put("hops", t.hops());
            o.put("status", t.status());
            o.put("reason", t.reason());
            o.put("detail", t.detail());
            o.put("software", t.software());
            o.put("readyMillis", new LinkedHashMap<>(t.readyMillis()));
            o.put("rssIdleKiB", new LinkedHashMap<>(t.rssIdleKib()));
            topologies.add(o);
        }
        m.put("topologies", topologies);
        List<Object> scenarios = new ArrayList<>();
        for (ScenarioReport s : run.scenarios()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", s.name());
            o.put("describe", s.describe());
            o.put("loop", s.loop());
            o.put("rate", s.rate());
            o.put("payloadBytes", s.payloadBytes());
            o.put("streaming", s.streaming());
            List<Object> results = new ArrayList<>();
            for (Cell c : s.cells()) {
                results.add(cell(s, c));
            }
            o.put("results", results);
            scenarios.add(o);
        }
        m.put("scenarios", scenarios);
        return m;
    }

    private static Map<String, Object> cell(ScenarioReport s, Cell c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("topology", c.topology());
        o.put("hops", c.hops());
        o.put("status", c.status());
        o.put("reason", c.reason());
        if (!c.ok()) {
            return o;
        }
        o.put("count", c.count());
        o.put("seconds", c.elapsedNanos() / 1e9);
        o.put("perSecond", c.perSecond());
        o.put("megabytesPerSecond", c.megabytesPerSecond());
        o.put("errors", c.errors());
        o.put("firstError", c.firstError());
        o.put("unfinished", c.unfinished());
        o.put("otherProcessesCores", c.otherCores());
        Latency l = c.latency();
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", l.p50() / 1e3);
        lat.put("p90", l.p90() / 1e3);
        lat.put("p99", l.p99() / 1e3);
        lat.put("p99.9", l.p999() / 1e3);
        lat.put("p99.99", l.p9999() / 1e3);
        lat.put("max", l.max() / 1e3);
        lat.put("mean", l.meanNanos() / 1e3);
        o.put("latencyMicros", lat);
        Map<String, Object> added = new LinkedHashMap<>();
        Double a50 = s.addedPerHop(c, 50);
        Double a99 = s.addedPerHop(c, 99);
        added.put("p50", a50 == null ? null : a50 / 1e3);
        added.put("p99", a99 == null ? null : a99 / 1e3);
        o.put("addedPerHopMicros", added);
        o.put("shareOfDirect", s.shareOfDirect(c));
        List<Object> procs = new ArrayList<>();
        for (ProcessUsage p : c.processes()) {
            Map<String, Object> po = new LinkedHashMap<>();
            po.put("name", p.name());
            po.put("role", p.role());
            po.put("cpuMs", p.cpuNanos() / 1e6);
            po.put("cpuMsPer1k", p.cpuMsPer1k());
            Map<String, Object> split = new LinkedHashMap<>();
            split.put("user", p.per1k(p.cpu().user()));
            split.put("system", p.per1k(p.cpu().system()));
            split.put("eventLoops", p.per1k(p.cpu().loop()));
            split.put("jit", p.per1k(p.cpu().jit()));
            split.put("gc", p.per1k(p.cpu().gc()));
            split.put("other", p.per1k(p.cpu().other()));
            po.put("cpuMsPer1kBy", split);
            if (p.framing() != null) {
                Map<String, Object> fr = new LinkedHashMap<>();
                fr.put("requestFramesPer", p.framing().requestFramesPer());
                fr.put("requestBytesPerFrame", p.framing().requestBytesPerFrame());
                fr.put("responseFramesPer", p.framing().responseFramesPer());
                fr.put("responseBytesPerFrame", p.framing().responseBytesPerFrame());
                po.put("dataFramesReceived", fr);
            }
            po.put("rssIdleKiB", p.rssIdleKib());
            po.put("rssPeakKiB", p.rssPeakKib());
            procs.add(po);
        }
        o.put("processes", procs);
        List<Object> points = new ArrayList<>();
        for (Latency.Point p : l.distribution()) {
            points.add(List.of(p.percentile(), p.nanos() / 1e3));
        }
        o.put("percentiles", points);
        o.put("hdrHistogram", l.histogramBase64());
        return o;
    }
}
