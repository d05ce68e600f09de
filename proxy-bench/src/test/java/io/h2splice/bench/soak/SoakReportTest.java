package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict over phases, and the two files rendered from it, on synthetic phases: no process is started. */
class SoakReportTest {

    private static final double MIB = 1 << 20;

    private static Phase.Result phase(String name, long unexpected, long leaks, double rssGrowthPerMinute,
                                      double otherCores) {
        Timeline tl = new Timeline();
        for (int t = 0; t <= 1800; t += 10) {
            tl.add("sidecar A", "RSS", Series.Unit.BYTES, true, t, 150 * MIB + Math.max(0, t - 300) / 60.0
                    * rssGrowthPerMinute * MIB);
            tl.add("sidecar A", "h2splice_streams_active", Series.Unit.COUNT, true, t, 10 + t % 30 / 10);
            tl.add("other processes", "CPU (cores)", Series.Unit.RATE, false, t, otherCores);
            if (t % 60 == 0) {
                tl.add("sidecar A", "instances of java.util.HashMap$Node", Series.Unit.INSTANCES, false, t,
                        8_000 + t);
            }
        }
        Outcomes.Snapshot o = new Outcomes.Snapshot(1000, 1000, unexpected,
                Map.of("unary", Map.of("OK", 1000 - unexpected, "UNAVAILABLE", unexpected)),
                unexpected == 0 ? List.of() : List.of("12.0 s: call 7, unary, 16 B x 1: UNAVAILABLE"));
        LogScan logs = new LogScan(leaks, 0, 0, leaks == 0 ? List.of() : List.of("B.log: LEAK: ByteBuf.release()"),
                List.of(), List.of());
        return new Phase.Result(name, name.equals("paranoid") ? "paranoid" : null, 1800, 1800, tl, o, 0, 184,
                logs, null, Map.of("sidecar A", 1L), Map.of("sidecar A", 500L), List.of());
    }

    private static SoakReport report(Phase.Result... phases) {
        return SoakReport.of("2026-12-06T15:00:00Z", Map.of("cores", 2), Map.of("seed", 1), List.of(phases), 300,
                300);
    }

    @Test
    void aCleanFlatRunPasses() {
        SoakReport r = report(phase("paranoid", 0, 0, 0, 0.1), phase("soak", 0, 0, 0, 0.1));
        assertTrue(r.passed(), r.failures()::toString);
        assertEquals(List.of(), r.warnings());
        assertEquals(2, r.verdicts().size(), "the judged series of the last phase");
        assertEquals(1, r.classes().size());
        assertTrue(r.verdictLine().startsWith("PASS: 2 of 2 series flat within 10 % (median of 5:00–10:00 against "
                + "the last 5:00); 0 unexpected endings in 2,000 calls; 0 LEAK: lines"), r.verdictLine());
    }

    @Test
    void unexpectedEndingsLeaksAndGrowthFailIt() {
        // RSS: the median of 5:00-10:00 is 152.5 MiB, of 25:00-30:00 172.5 MiB: +13.1 %
        SoakReport r = report(phase("paranoid", 0, 2, 0, 0.1), phase("soak", 3, 0, 1.0, 0.9));
        assertFalse(r.passed());
        assertEquals(List.of("paranoid: 2 LEAK: lines in the sidecars' logs",
                "soak: 3 of 1,000 calls ended with a status their kind does not allow",
                "soak: RSS of sidecar A grew +13.1 % after the warm-up"), r.failures());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).startsWith("soak: other processes used 0.9 cores"), r.warnings()::toString);
    }

    @Test
    void bothFilesCarryTheVerdictAndEverySeries() {
        SoakReport r = report(phase("soak", 3, 0, 1.0, 0.1));
        String json = SoakJson.render(r);
        assertTrue(json.contains("\"passed\": false"), json);
        assertTrue(json.contains("\"metric\": \"RSS\""));
        assertTrue(json.contains("\"state\": \"grew\""));
        assertTrue(json.contains("\"UNAVAILABLE\": 3"));
        String html = SoakHtml.render(r);
        assertEquals(4, html.split("<svg ", -1).length - 1, "RSS, streams, CPU, and the classes of sidecar A");
        assertTrue(html.contains("class=\"fail\""));
        assertTrue(html.contains("HashMap$Node"));
        assertFalse(html.contains("<script"));
    }

    @Test
    void classNamesForLegends() {
        assertEquals("DefaultHttp2Headers$Http2HeaderEntry",
                SoakHtml.simpleName("io.netty.handler.codec.http2.DefaultHttp2Headers$Http2HeaderEntry"));
        assertEquals("Splice$$Lambda$139", SoakHtml.simpleName("io.h2splice.core.splice.Splice$$Lambda$139/0x0000"));
        assertEquals("[B", SoakHtml.simpleName("[B"));
        assertEquals("cores", SoakHtml.axis("CPU (cores)"));
    }
}
