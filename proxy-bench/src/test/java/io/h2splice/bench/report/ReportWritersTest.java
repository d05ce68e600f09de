package io.h2splice.bench.report;

import io.h2splice.bench.proc.CpuSplit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON, HTML and console writers on a synthetic run. */
class ReportWritersTest {

    private static Histogram latencies(long baseNanos) {
        Histogram h = new Histogram(60_000_000_000L, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(baseNanos + i * 10L);  // base .. base + 100 µs
        }
        return h;
    }

    private static Cell ok(String topology, int hops, long baseNanos, double perSecond, List<ProcessUsage> procs) {
        Histogram h = latencies(baseNanos);
        return new Cell(topology, hops, "ok", null, h.getTotalCount(), 5_000_000_000L, perSecond, perSecond * 16 / 1e6,
                hops == 2 ? 3 : 0, hops == 2 ? "UNAVAILABLE: \"quoted\" <b>" : null, 0, Latency.of(h), procs, 0.01);
    }

    static RunReport run() {
        Cell direct = ok("direct", 0, 50_000, 10_000, List.of(new ProcessUsage("app", "app", 1_000_000_000, 20, 0,
                60_000, new CpuSplit(600_000_000, 400_000_000, 0, 0, 0, 1_000_000_000), null)));
        Cell oneHop = ok("1hop", 1, 90_000, 7_000, List.of(
                new ProcessUsage("sidecar", "proxy", 700_000_000, 20, 40_000, 50_000,
                        new CpuSplit(420_000_000, 280_000_000, 560_000_000, 70_000_000, 35_000_000, 35_000_000),
                        Framing.of(800_000, 50, 800_000, 100, 50))));
        Cell twoHop = ok("2hop", 2, 130_000, 5_000, List.of(
                new ProcessUsage("sidecar A", "proxy", 500_000_000, 20, 40_000, 51_000,
                        new CpuSplit(300_000_000, 200_000_000, 400_000_000, 50_000_000, 25_000_000, 25_000_000), null),
                new ProcessUsage("sidecar B", "proxy", 500_000_000, 20, 41_000, 52_000, CpuSplit.ZERO, null)));
        Cell mtls = Cell.notRun("2hop-mtls", 2, "skipped", "mTLS not available in this build");
        ScenarioReport s = new ScenarioReport("unary-16B-c1", "unary 16 B, 1 in flight", "closed", 0, 16, false,
                List.of(direct, oneHop, twoHop, mtls));
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", 2);
        machine.put("cpuModel", "Test CPU <x>");
        machine.put("memoryMiB", 1024);
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("args", List.of());
        flags.put("sidecarJvmOpts", List.of("-Xmx256m"));
        List<TopologyReport> topologies = List.of(
                new TopologyReport("direct", "client → app", 0, "ok", null, null, null, null, null),
                new TopologyReport("1hop", "client → h2splice → app", 1, "ok", null, null, "h2splice 0.1",
                        Map.of("sidecar", 512L), Map.of("sidecar", 40_000L)),
                new TopologyReport("2hop-mtls", "mtls", 2, "skipped", "mTLS not available in this build",
                        "h2splice run: --enable-mtls=true is not supported yet", null, null, null));
        return new RunReport("2026-11-25T10:00:00Z", machine, flags, topologies, List.of(s));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonParsesAndCarriesEveryMeasure() throws Exception {
        String text = JsonReport.render(run());
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(text);
        assertEquals("2026-11-25T10:00:00Z", root.get("timestamp"));
        assertEquals(2.0, ((Map<String, Object>) root.get("machine")).get("cores"));
        List<Object> scenarios = (List<Object>) root.get("scenarios");
        Map<String, Object> s = (Map<String, Object>) scenarios.get(0);
        List<Object> results = (List<Object>) s.get("results");
        assertEquals(4, results.size());
        Map<String, Object> twoHop = (Map<String, Object>) results.get(2);
        assertEquals("2hop", twoHop.get("topology"));
        Map<String, Object> sidecarA = (Map<String, Object>) ((List<Object>) twoHop.get("processes")).get(0);
        Map<String, Object> by = (Map<String, Object>) sidecarA.get("cpuMsPer1kBy");
        assertEquals(12.0, (Double) by.get("user"), 1e-9);
        assertEquals(16.0, (Double) by.get("eventLoops"), 1e-9);
        assertEquals("UNAVAILABLE: \"quoted\" <b>", twoHop.get("firstError"));
        Map<String, Object> lat = (Map<String, Object>) twoHop.get("latencyMicros");
        Map<String, Object> added = (Map<String, Object>) twoHop.get("addedPerHopMicros");
        Map<String, Object> directLat = (Map<String, Object>)
                ((Map<String, Object>) results.get(0)).get("latencyMicros");
        // (130 µs + 50 - (50 µs + 50)) / 2 hops = 40 µs per hop at p50
        assertEquals(((Double) lat.get("p50") - (Double) directLat.get("p50")) / 2, (Double) added.get("p50"), 1e-9);
        assertEquals(40.0, (Double) added.get("p50"), 0.2);
        assertEquals(0.5, (Double) twoHop.get("shareOfDirect"), 1e-9);
        List<Object> procs = (List<Object>) twoHop.get("processes");
        assertEquals("sidecar B", ((Map<String, Object>) procs.get(1)).get("name"));
        List<Object> points = (List<Object>) twoHop.get("percentiles");
        List<Object> last = (List<Object>) points.get(points.size() - 1);
        assertEquals(99.99, (Double) last.get(0), 1e-9);
        // the histogram decodes back to the same count
        byte[] bytes = Base64.getDecoder().decode((String) twoHop.get("hdrHistogram"));
        Histogram back = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        assertEquals(10_000, back.getTotalCount());
        Map<String, Object> skipped = (Map<String, Object>) results.get(3);
        assertEquals("skipped", skipped.get("status"));
        assertFalse(skipped.containsKey("latencyMicros"));
        Map<String, Object> direct = (Map<String, Object>) results.get(0);
        assertNull(((Map<String, Object>) direct.get("addedPerHopMicros")).get("p50"));
    }

    @Test
    void jsonEscapesAndNonFiniteNumbers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001é");
        m.put("nan", Double.NaN);
        m.put("int", 3.0);
        m.put("frac", 2.5);
        m.put("list", List.of(1, 2.5, "x"));
        m.put("empty", Map.of());
        String text = Json.write(m);
        assertEquals(Map.of("s", "a\"b\\c\nd\u0001é", "int", 3.0, "frac", 2.5, "list", List.of(1.0, 2.5, "x"),
                "empty", Map.of()), withoutNull(MiniJson.parse(text)));
        assertTrue(text.contains("\"nan\": null"));
        assertTrue(text.contains("\"int\": 3,"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNull(Object parsed) {
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) parsed);
        m.values().removeIf(v -> v == null);
        return m;
    }

    @Test
    void htmlIsSelfContainedWithAChartLinePerTopologyThatRan() {
        String html = Html.render(run());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg"), "an inline chart");
        assertEquals(3, html.split("<polyline", -1).length - 1, "direct, 1hop, 2hop; not the skipped one");
        for (String tick : List.of(">50%<", ">90%<", ">99%<", ">99.9%<", ">99.99%<")) {
            assertTrue(html.contains(tick), "percentile tick " + tick);
        }
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("src=") || html.contains("href="), "no external asset");
        assertTrue(html.contains("Test CPU &lt;x&gt;"), "escaped");
        assertTrue(html.contains("UNAVAILABLE: &quot;quoted&quot; &lt;b&gt;"), "errors noted, escaped");
        assertTrue(html.contains("skipped: mTLS not available in this build"));
        assertTrue(html.contains("+p50/hop") && html.contains("CPU ms/1k calls"));
    }

    @Test
    void chartAxisIsLogarithmicInTheRemainingShare() {
        assertEquals(0, PercentileChart.x(0), 1e-12);
        assertEquals(1, PercentileChart.x(90), 1e-12);
        assertEquals(2, PercentileChart.x(99), 1e-9);
        assertEquals(3, PercentileChart.x(99.9), 1e-9);
        assertEquals(4, PercentileChart.x(99.99), 1e-9);
        assertEquals(4, PercentileChart.x(100), 1e-9, "100 % is drawn at 99.99 %, not at infinity");
    }

    @Test
    void consoleTableHasEveryColumnAndTheSkipReason() {
        String text = new TextReport(false).render(run());
        assertTrue(text.contains("== unary-16B-c1: unary 16 B, 1 in flight, closed loop =="), text);
        for (String col : List.of("req/s", "MB/s", "p50", "p90", "p99", "p99.9", "+p50/hop", "+p99/hop", "% direct",
                "CPU ms/1k calls", "RSS MiB idle->peak")) {
            assertTrue(text.contains(col), col + " in\n" + text);
        }
        assertTrue(text.contains("2hop-mtls  skipped: mTLS not available in this build"), text);
        assertTrue(text.contains("+40us"), "added per hop at p50, in ASCII\n" + text);
        assertTrue(text.contains("20.0 / 20.0"), "CPU per sidecar\n" + text);
        assertTrue(text.contains("39->50 / 40->51"), "RSS idle->peak per sidecar\n" + text);
        assertTrue(text.contains("! 2hop: 3 errors in the window"), text);
        assertTrue(text.contains("sidecar 512 ms, 39 MiB"), text);
        // sidecar A: 500 ms of CPU is 20 ms per 1,000 calls; 300 ms user is 12 of them, 400 ms in event loops 16
        assertTrue(text.contains("2hop: sidecar A user 12.0, system 8.0 (event loops 16.0, JIT 2.0, GC 1.0, other "
                + "1.0); sidecar B user 0.0, system 0.0"), "CPU by kind\n" + text);
        assertTrue(text.contains("1hop: sidecar requests 1.0 of 16000 B, responses 2.0 of 8000 B"), "framing\n" + text);
    }

    @Test
    void latencyFormats() {
        Format f = new Format(true);
        assertEquals("87µs", f.latency(87_400));
        assertEquals("8.7µs", f.latency(8_700));
        assertEquals("1.24ms", f.latency(1_240_000));
        assertEquals("12.4ms", f.latency(12_400_000));
        assertEquals("2.10s", f.latency(2_100_000_000L));
        assertEquals("+45µs", f.added(45_000.0));
        assertEquals("-3.0µs", f.added(-3_000.0));
        assertEquals("-", f.added(null));
    }
}
