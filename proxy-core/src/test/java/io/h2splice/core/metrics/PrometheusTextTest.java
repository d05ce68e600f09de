package io.h2splice.core.metrics;

import io.h2splice.core.testing.PrometheusServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PrometheusTextTest {

    private static ProxyMetrics sampleMetrics() {
        ProxyMetrics m = new ProxyMetrics();
        m.connectionOpened(ProxyMetrics.Side.API);
        m.connectionOpened(ProxyMetrics.Side.API);
        m.connectionClosed(ProxyMetrics.Side.API);
        m.connectionOpened(ProxyMetrics.Side.UPSTREAM_APP);
        m.streamOpened();
        m.streamOpened();
        m.streamClosed();
        m.resetReceived(8);
        m.resetSent(0);
        m.resetSent(0x1234);
        m.goAwaySent(11);
        m.requestBytes(100);
        m.responseBytes(7);
        m.framesWritten(ProxyMetrics.Side.UPSTREAM_APP).record(100);
        m.framesWritten(ProxyMetrics.Side.UPSTREAM_APP).record(16_384);
        m.dialed(true, false);
        m.sidecarEjected();
        LoopMetrics loop = m.calls().forLoop(0, "default");
        CallSeries target = loop.target("server", "default", false);
        loop.started(target);
        loop.ended(target, 0, 1_500_000, true);
        CallSeries method = loop.method(io.netty.util.AsciiString.of("/pkg.Svc/Do"));
        loop.ended(method, 5, 3_000_000, true);
        loop.added(true, 20_000);
        m.callCompleted(0);
        m.callCompleted(0);
        m.callCompleted(14);
        m.callCompleted(99);  // counts as UNKNOWN
        return m;
    }

    @Test
    void rendersEveryFamilyWithValues() {
        String text = PrometheusText.render(sampleMetrics(), "server", "default", "epoll");
        assertTrue(text.contains("# TYPE h2splice_connections_open gauge\n"));
        assertTrue(text.contains("\nh2splice_connections_open{side=\"api\"} 1\n"));
        assertTrue(text.contains("\nh2splice_connections_total{side=\"api\"} 2\n"));
        assertTrue(text.contains("\nh2splice_connections_total{side=\"upstream_app\"} 1\n"));
        assertTrue(text.contains("\nh2splice_connections_open{side=\"internal\"} 0\n"));
        assertTrue(text.contains("\nh2splice_streams_active 1\n"));
        assertTrue(text.contains("\nh2splice_streams_total 2\n"));
        assertTrue(text.contains("\nh2splice_resets_received_total{code=\"CANCEL\"} 1\n"));
        assertTrue(text.contains("\nh2splice_resets_sent_total{code=\"NO_ERROR\"} 1\n"));
        assertTrue(text.contains("\nh2splice_resets_sent_total{code=\"OTHER\"} 1\n"));
        assertTrue(text.contains("\nh2splice_goaways_sent_total{code=\"ENHANCE_YOUR_CALM\"} 1\n"));
        assertTrue(text.contains("\nh2splice_goaways_received_total{code=\"NO_ERROR\"} 0\n"));
        assertTrue(text.contains("\nh2splice_data_bytes_total{direction=\"request\"} 100\n"));
        assertTrue(text.contains("\nh2splice_data_bytes_total{direction=\"response\"} 7\n"));
        assertTrue(text.contains("\nh2splice_data_frames_total{direction=\"request\"} 1\n"), text);
        assertTrue(text.contains("\nh2splice_data_frames_total{direction=\"response\"} 1\n"), text);
        assertTrue(text.contains("\n# TYPE h2splice_data_frame_written_bytes histogram\n"), text);
        assertTrue(text.contains("\nh2splice_data_frame_written_bytes_bucket{side=\"upstream_app\",le=\"64\"} 0\n"
                + "h2splice_data_frame_written_bytes_bucket{side=\"upstream_app\",le=\"256\"} 1\n"), text);
        assertTrue(text.contains("\nh2splice_data_frame_written_bytes_bucket{side=\"upstream_app\",le=\"16384\"} 2\n"
                + "h2splice_data_frame_written_bytes_bucket{side=\"upstream_app\",le=\"65536\"} 2\n"
                + "h2splice_data_frame_written_bytes_bucket{side=\"upstream_app\",le=\"+Inf\"} 2\n"
                + "h2splice_data_frame_written_bytes_sum{side=\"upstream_app\"} 16484\n"
                + "h2splice_data_frame_written_bytes_count{side=\"upstream_app\"} 2\n"), text);
        assertTrue(text.contains("\nh2splice_data_frame_written_bytes_count{side=\"api\"} 0\n"), text);
        assertTrue(text.contains("\nh2splice_pool_dials_total{pool=\"sidecar\",result=\"failed\"} 1\n"));
        assertTrue(text.contains("\nh2splice_pool_dials_total{pool=\"app\",result=\"connected\"} 0\n"));
        assertTrue(text.contains("\n# TYPE h2splice_pool_ejections_total counter\n"
                + "h2splice_pool_ejections_total{pool=\"sidecar\"} 1\n"), text);
        assertTrue(text.contains("\ndapr_runtime_service_invocation_req_sent_total{app_id=\"server\",dst_app_id=\"server\","
                + "type=\"unary\"} 1\n"), text);
        assertTrue(text.contains("\ndapr_grpc_io_server_completed_rpcs{app_id=\"server\",grpc_server_method="
                + "\"/pkg.Svc/Do\",grpc_server_status=\"NotFound\"} 1\n"), text);
        assertTrue(text.contains("\nh2splice_added_latency_seconds_bucket{listener=\"api\",le=\"0.000025\"} 1\n"), text);
        assertTrue(text.contains("\nh2splice_calls_total{grpc_status=\"OK\"} 2\n"));
        assertTrue(text.contains("\nh2splice_calls_total{grpc_status=\"UNAVAILABLE\"} 1\n"));
        assertTrue(text.contains("\nh2splice_calls_total{grpc_status=\"UNKNOWN\"} 1\n"));
        assertTrue(text.contains("\nh2splice_calls_total{grpc_status=\"UNAUTHENTICATED\"} 0\n"));
        assertTrue(text.contains("\nh2splice_info{app_id=\"server\",namespace=\"default\",transport=\"epoll\"} 1\n"));
        assertEquals(ProxyMetrics.STATUS_NAMES.length, count(text, "\nh2splice_calls_total{"));
        assertEquals(ProxyMetrics.Side.values().length, count(text, "\nh2splice_connections_open{"));
    }

    /** The buffer-memory gauges read the JVM's direct pool and Netty's allocator: a 4 MiB buffer shows in both. */
    @Test
    void bufferMemoryGaugesFollowAllocations() {
        io.netty.buffer.ByteBuf big = io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(4 << 20);
        try {
            // At least the buffer: other tests of this JVM may free direct memory meanwhile, so no difference is taken.
            String text = PrometheusText.render(new ProxyMetrics(), "a", "ns", "nio");
            assertTrue(gauge(text, "h2splice_direct_memory_used_bytes") >= 4 << 20, text);
            assertTrue(gauge(text, "h2splice_allocator_used_bytes{memory=\"direct\"}") >= 4 << 20, text);
            assertTrue(gauge(text, "h2splice_allocator_used_bytes{memory=\"heap\"}") >= 0, text);
        } finally {
            big.release();
        }
    }

    private static long gauge(String text, String sample) {
        Matcher m = Pattern.compile("\n" + Pattern.quote(sample) + " (-?[0-9]+)\n").matcher(text);
        assertTrue(m.find(), sample + " in\n" + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void trackedStructuresAreSummedByName() {
        ProxyMetrics m = new ProxyMetrics();
        m.trackEntries("sidecar_pools", () -> 3); // one per event loop
        m.trackEntries("sidecar_pools", () -> 4);
        m.trackEntries("ejected_addresses", () -> 1);
        String text = PrometheusText.render(m, "a", "ns", "nio");
        assertTrue(text.contains("\nh2splice_entries{structure=\"sidecar_pools\"} 7\n"), text);
        assertTrue(text.contains("\nh2splice_entries{structure=\"ejected_addresses\"} 1\n"), text);
    }

    @Test
    void escapesLabelValues() {
        String text = PrometheusText.render(new ProxyMetrics(), "a\"b\\c\nd", "ns", "nio");
        assertTrue(text.contains("h2splice_info{app_id=\"a\\\"b\\\\c\\nd\",namespace=\"ns\",transport=\"nio\"} 1\n"), text);
        StringBuilder help = new StringBuilder();
        PrometheusText.escapeHelp(help, "x\\y\nz\"");
        assertEquals("x\\\\y\\nz\"", help.toString());
    }

    /** Every line is a HELP, a TYPE or a sample of the family announced just before it, in format 0.0.4. */
    @Test
    void strictLineFormat() {
        String text = PrometheusText.render(sampleMetrics(), "we\"ird\\id\n", "default", "epoll");
        assertStrictExposition(text);
    }

    @Test
    void promtoolAcceptsTheOutput() {
        PrometheusServer.assumeInstalled();
        for (String appId : List.of("server", "we\"ird\\id\nx")) {
            PrometheusServer.checkMetrics(PrometheusText.render(sampleMetrics(), appId, "default", "epoll"),
                    PrometheusServer.DAPR_NAME_LINTS);
        }
    }

    /** Dapr's counter families whose names do not end in {@code _total}. */
    private static final Set<String> DAPR_COUNTERS_WITHOUT_TOTAL = Set.of("dapr_grpc_io_server_completed_rpcs");

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern LABEL_VALUE = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE);
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL + "(?:," + LABEL + ")*)?})? "
            + "(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)");

    static void assertStrictExposition(String text) {
        assertTrue(text.endsWith("\n"), "must end with a line feed");
        String family = null;
        String type = null;
        Set<String> seen = new HashSet<>();
        List<String> samples = new ArrayList<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                family = m.group(1);
                type = null;
                assertTrue(seen.add(family), "family repeated: " + family);
            } else if ((m = TYPE.matcher(line)).matches()) {
                assertEquals(family, m.group(1), "TYPE must follow its HELP");
                assertTrue(type == null, "two TYPE lines for " + family);
                type = m.group(2);
                if (type.equals("counter")) {
                    assertTrue(family.endsWith("_total") || DAPR_COUNTERS_WITHOUT_TOTAL.contains(family),
                            "counter without _total: " + family);
                } else {
                    assertTrue(!family.endsWith("_total"), "non-counter named _total: " + family);
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                assertTrue(type != null, "sample before TYPE: " + line);
                String sampleName = m.group(1);
                if (type.equals("histogram")) {
                    assertTrue(sampleName.equals(family + "_bucket") || sampleName.equals(family + "_sum")
                            || sampleName.equals(family + "_count"), "sample outside its histogram: " + line);
                } else {
                    assertEquals(family, sampleName, "sample outside its family: " + line);
                }
                assertTrue(!samples.contains(line.substring(0, line.lastIndexOf(' '))), "duplicate series: " + line);
                samples.add(line.substring(0, line.lastIndexOf(' ')));
            } else {
                fail("not a valid exposition line: [" + line + "]");
            }
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
