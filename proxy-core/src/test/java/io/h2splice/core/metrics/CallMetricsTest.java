package io.h2splice.core.metrics;

import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallMetricsTest {

    private static String render(ProxyMetrics m) {
        StringBuilder out = new StringBuilder();
        CallMetricsText.render(out, m.calls(), "client");
        return out.toString();
    }

    @Test
    void countsPerLoopAreSummedAtScrape() {
        ProxyMetrics m = new ProxyMetrics(MetricsSettings.defaults(), 3);
        for (int loop = 0; loop < 3; loop++) {
            LoopMetrics l = m.calls().forLoop(loop, "default");
            CallSeries s = l.target("server", "default", false);
            for (int i = 0; i <= loop; i++) {
                l.started(s);
                l.ended(s, 0, 2_500_000, true);
            }
            l.ended(s, 14, 1_000_000, true);
        }
        String text = render(m);
        assertContains(text, "dapr_runtime_service_invocation_req_sent_total{app_id=\"client\",dst_app_id=\"server\","
                + "type=\"unary\"} 6");
        assertContains(text, "dapr_runtime_service_invocation_res_recv_total{app_id=\"client\",src_app_id=\"server\","
                + "status=\"0\",type=\"unary\"} 6");
        assertContains(text, "dapr_runtime_service_invocation_res_recv_total{app_id=\"client\",src_app_id=\"server\","
                + "status=\"14\",type=\"unary\"} 3");
        String lat = "dapr_runtime_service_invocation_res_recv_latency_ms";
        String ok = "{app_id=\"client\",src_app_id=\"server\",status=\"0\"";
        assertContains(text, lat + "_bucket" + ok + ",le=\"2\"} 0");
        assertContains(text, lat + "_bucket" + ok + ",le=\"3\"} 6");
        assertContains(text, lat + "_bucket" + ok + ",le=\"+Inf\"} 6");
        assertContains(text, lat + "_sum" + ok + "} 15");
        assertContains(text, lat + "_count" + ok + "} 6");
        // cumulative across scrapes: a second scrape with one more call adds to, not replaces, the first
        LoopMetrics l0 = m.calls().forLoop(0, "default");
        l0.ended(l0.target("server", "default", false), 0, 2_500_000, true);
        assertContains(render(m), lat + "_count" + ok + "} 7");
    }

    @Test
    void otherNamespacesStreamingAndCallersHaveTheirOwnLabels() {
        ProxyMetrics m = new ProxyMetrics();
        LoopMetrics l = m.calls().forLoop(0, "default");
        CallSeries s = l.target("server", "production", true);
        l.started(s);
        l.ended(s, 1, 5_000_000, false);
        CallSeries c = l.caller(AsciiString.of("frontend"));
        l.started(c);
        l.ended(c, 0, 1, false);
        l.ended(l.caller(null), 7, 1, false);
        String text = render(m);
        assertContains(text, "req_sent_total{app_id=\"client\",dst_app_id=\"server.production\",type=\"streaming\"} 1");
        assertContains(text, "res_recv_total{app_id=\"client\",src_app_id=\"server.production\",status=\"1\","
                + "type=\"streaming\"} 1");
        assertTrue(!text.contains("res_recv_latency_ms_bucket"), "streaming calls have no latency histogram");
        assertContains(text, "req_recv_total{app_id=\"client\",src_app_id=\"frontend\"} 1");
        assertContains(text, "res_sent_total{app_id=\"client\",dst_app_id=\"frontend\",status=\"0\"} 1");
        assertContains(text, "res_sent_total{app_id=\"client\",dst_app_id=\"unknown\",status=\"7\"} 1");
    }

    @Test
    void lookupsReturnTheSameSeriesWithoutCreatingNew() {
        LoopMetrics l = new ProxyMetrics().calls().forLoop(0, "default");
        CallSeries a = l.method(new AsciiString("/pkg.Svc/Do"));
        assertSame(a, l.method(new AsciiString("/pkg.Svc/Do")), "same method, other header instance");
        assertSame(a, l.method("/pkg.Svc/Do"), "a String key finds it too");
        assertSame(l.target("x", "default", false), l.target("x", "default", false));
    }

    @Test
    void methodLabelsAreCappedThenCountedAsOther() {
        ProxyMetrics m = new ProxyMetrics(new MetricsSettings(true, LatencyBuckets.DAPR, 3), 2);
        LoopMetrics l0 = m.calls().forLoop(0, "default");
        LoopMetrics l1 = m.calls().forLoop(1, "default");
        for (int i = 0; i < 50; i++) {
            LoopMetrics l = i % 2 == 0 ? l0 : l1;
            l.ended(l.method(new AsciiString("/evil.Svc/M" + i)), 12, 1000, true);
        }
        String text = render(m);
        int labelled = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("dapr_grpc_io_server_completed_rpcs{")) {
                labelled++;
            }
        }
        assertEquals(4, labelled, "3 methods and 'other':\n" + text);
        assertContains(text, "grpc_server_method=\"other\",grpc_server_status=\"Unimplemented\"} 47");
    }

    @Test
    void labelValuesTooLongToKeepAreCountedAsOtherAndNeverStored() {
        ProxyMetrics m = new ProxyMetrics();
        LoopMetrics l = m.calls().forLoop(0, "default");
        String huge = "/" + "m".repeat(1 << 20); // a 1 MiB :path, each call a different one
        for (int i = 0; i < 20; i++) {
            l.ended(l.method(new AsciiString(huge + i)), 12, 1000, true);
            l.ended(l.caller(new AsciiString("c".repeat(4096) + i)), 0, 1000, true);
        }
        CallSeries longest = l.method(new AsciiString("/" + "m".repeat(LoopMetrics.MAX_LABEL_LENGTH - 1)));
        assertTrue(longest != l.method(new AsciiString(huge)), "a value of the maximum length is its own series");
        String text = render(m);
        assertTrue(text.length() < 64 << 10, "the page holds no long label: " + text.length() + " characters");
        assertContains(text, "grpc_server_method=\"other\",grpc_server_status=\"Unimplemented\"} 20");
    }

    @Test
    void statusesOutsideTheRangeCountAsUnknown() {
        ProxyMetrics m = new ProxyMetrics();
        LoopMetrics l = m.calls().forLoop(0, "default");
        CallSeries s = l.method("/a.B/C");
        l.ended(s, 99, 1000, true);
        l.ended(s, -1, 1000, true);
        assertEquals(2, s.ended(2));
    }

    @Test
    void bucketsAreValidatedAndConfigurable() {
        assertThrows(IllegalArgumentException.class, () -> LatencyBuckets.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> LatencyBuckets.of(List.of(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> LatencyBuckets.of(List.of(-1)));
        ProxyMetrics m = new ProxyMetrics(new MetricsSettings(true, LatencyBuckets.of(List.of(0.5, 10, 1000)), 10), 1);
        LoopMetrics l = m.calls().forLoop(0, "default");
        l.ended(l.method("/a.B/C"), 0, 700_000, true);
        String text = render(m);
        assertContains(text, "le=\"0.5\"} 0");
        assertContains(text, "le=\"10\"} 1");
        assertTrue(!text.contains("le=\"1\""), text);
    }

    @Test
    void loopIndexIsChecked() {
        CallMetrics c = new ProxyMetrics(MetricsSettings.defaults(), 2).calls();
        assertThrows(IllegalArgumentException.class, () -> c.forLoop(2, "default"));
    }

    private static void assertContains(String text, String needle) {
        assertTrue(text.contains(needle), "missing [" + needle + "] in:\n" + text);
    }
}
