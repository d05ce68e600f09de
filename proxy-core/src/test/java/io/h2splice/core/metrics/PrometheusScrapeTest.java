package io.h2splice.core.metrics;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.Payloads;
import io.h2splice.core.testing.PrometheusServer;
import io.h2splice.core.testing.PrometheusServer.Target;
import io.h2splice.core.testing.Script;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian package {@code prometheus}) scrapes both sidecars of client → A → B → app every second;
 * after a known mix of calls, the counts it reports through its HTTP API equal the calls made, per sidecar, and
 * {@code promtool check metrics} accepts each sidecar's exposition.
 *
 * <p>Every series carries the scrape target label {@code sidecar="client"} (A) or {@code sidecar="server"} (B),
 * added by {@link PrometheusServer}, so the queries below pick a sidecar without knowing its port. Each expectation
 * is one PromQL line in {@link #H2SPLICE_EXPECTATIONS} or {@link #DAPR_EXPECTATIONS}; {@link #ACTIVE} says which
 * set runs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrometheusScrapeTest {

    // The calls the test makes, all through A's API port. None carries `dapr-stream`, so Dapr counts even the
    // streaming ones as type="unary" (Dapr's gRPC proxy decides the type by that header alone).
    static final int OK_UNARY = 37;
    static final int OK_SERVER_STREAMING = 4;
    static final int OK_CLIENT_STREAMING = 3;
    static final int OK_BIDI = 3;
    /** Unary calls to a method the app does not have: its gRPC server answers UNIMPLEMENTED (12), through A and B. */
    static final int UNIMPLEMENTED = 5;
    /** Unary calls the app fails on purpose (scripted NOT_FOUND, 5, after headers and a message), through A and B. */
    static final int NOT_FOUND = 3;
    /** Unary calls to an app id nobody serves: A answers UNAVAILABLE (14) itself; B never sees them. */
    static final int UNKNOWN_APP = 2;

    static final int OK = OK_UNARY + OK_SERVER_STREAMING + OK_CLIENT_STREAMING + OK_BIDI;
    /** Every call A sent on to B (and B to its app). */
    static final int TO_SERVER = OK + UNIMPLEMENTED + NOT_FOUND;
    /** Every call A's API port completed. */
    static final int AT_CLIENT = TO_SERVER + UNKNOWN_APP;

    /**
     * One expectation: {@code promql} must evaluate to {@code value}. The query must give at most one series without
     * labels (use {@code sum(...)}); no series at all reads as 0, since a counter never incremented may not exist.
     */
    record Expect(String promql, long value) {
    }

    /**
     * A metric naming the sidecar exports: what Prometheus must report after the calls, and the {@code promtool}
     * lint problems (exact lines) its names may cause because a compatibility contract fixes them.
     */
    record MetricNames(String name, List<Expect> expectations, Set<String> acceptedPromtoolLint) {
    }

    /** Today's metric set: {@code h2splice_calls_total{grpc_status}}, every call a sidecar's listeners completed. */
    static final List<Expect> H2SPLICE_EXPECTATIONS = List.of(
            new Expect("sum(h2splice_calls_total{sidecar=\"client\",grpc_status=\"OK\"})", OK),
            new Expect("sum(h2splice_calls_total{sidecar=\"client\",grpc_status=\"UNIMPLEMENTED\"})", UNIMPLEMENTED),
            new Expect("sum(h2splice_calls_total{sidecar=\"client\",grpc_status=\"NOT_FOUND\"})", NOT_FOUND),
            new Expect("sum(h2splice_calls_total{sidecar=\"client\",grpc_status=\"UNAVAILABLE\"})", UNKNOWN_APP),
            new Expect("sum(h2splice_calls_total{sidecar=\"client\"})", AT_CLIENT),

            new Expect("sum(h2splice_calls_total{sidecar=\"server\",grpc_status=\"OK\"})", OK),
            new Expect("sum(h2splice_calls_total{sidecar=\"server\",grpc_status=\"UNIMPLEMENTED\"})", UNIMPLEMENTED),
            new Expect("sum(h2splice_calls_total{sidecar=\"server\",grpc_status=\"NOT_FOUND\"})", NOT_FOUND),
            new Expect("sum(h2splice_calls_total{sidecar=\"server\",grpc_status=\"UNAVAILABLE\"})", 0),
            new Expect("sum(h2splice_calls_total{sidecar=\"server\"})", TO_SERVER));

    /**
     * Dapr's metric set (COMPAT.md "Observability"), as Dapr's gRPC proxy (pkg/grpc/proxy/handler.go) records it:
     * on the caller (A), {@code req_sent} once the callee is resolved (so not for an unknown app id), with
     * {@code type="unary"} unless the call carries {@code dapr-stream: true}, and {@code res_recv} (plus its latency
     * histogram) with the numeric gRPC status when a unary call ends; the gRPC server's {@code completed_rpcs} for
     * every call the API port completed, including those the sidecar answered itself. On the callee (B), h2splice's
     * own {@code req_recv} and {@code res_sent} (Dapr leaves these unrecorded for proxied calls), and
     * {@code completed_rpcs} for the calls its internal port completed.
     */
    static final List<Expect> DAPR_EXPECTATIONS = List.of(
            // A: caller sidecar, app_id "client"
            new Expect("sum(dapr_runtime_service_invocation_req_sent_total{sidecar=\"client\",app_id=\"client\","
                    + "dst_app_id=\"server\",type=\"unary\"})", TO_SERVER),
            new Expect("sum(dapr_runtime_service_invocation_req_sent_total{sidecar=\"client\",type=\"streaming\"})", 0),
            new Expect("sum(dapr_runtime_service_invocation_req_sent_total{sidecar=\"client\",dst_app_id=\"nobody\"})", 0),
            new Expect("sum(dapr_runtime_service_invocation_res_recv_total{sidecar=\"client\",app_id=\"client\","
                    + "status=\"0\"})", OK),
            new Expect("sum(dapr_runtime_service_invocation_res_recv_total{sidecar=\"client\",app_id=\"client\","
                    + "status=\"12\"})", UNIMPLEMENTED),
            new Expect("sum(dapr_runtime_service_invocation_res_recv_total{sidecar=\"client\",app_id=\"client\","
                    + "status=\"5\"})", NOT_FOUND),
            new Expect("sum(dapr_runtime_service_invocation_res_recv_total{sidecar=\"client\"})", TO_SERVER),
            new Expect("sum(dapr_runtime_service_invocation_res_recv_latency_ms_count{sidecar=\"client\"})", TO_SERVER),
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"client\",app_id=\"client\","
                    + "grpc_server_status=\"OK\"})", OK),
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"client\","
                    + "grpc_server_method=~\"/?h2splice.test.TestService/Echo\",grpc_server_status=\"OK\"})", OK_UNARY),
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"client\","
                    + "grpc_server_status=\"Unimplemented\"})", UNIMPLEMENTED),
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"client\","
                    + "grpc_server_status=\"NotFound\"})", NOT_FOUND),
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"client\","
                    + "grpc_server_status=\"Unavailable\"})", UNKNOWN_APP),
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"client\"})", AT_CLIENT),

            // B: callee sidecar, app_id "server"
            new Expect("sum(dapr_runtime_service_invocation_req_recv_total{sidecar=\"server\",app_id=\"server\","
                    + "src_app_id=\"client\"})", TO_SERVER),
            new Expect("sum(dapr_runtime_service_invocation_res_sent_total{sidecar=\"server\",app_id=\"server\","
                    + "dst_app_id=\"client\",status=\"0\"})", OK),
            new Expect("sum(dapr_runtime_service_invocation_res_sent_total{sidecar=\"server\",app_id=\"server\","
                    + "dst_app_id=\"client\",status=\"12\"})", UNIMPLEMENTED),
            new Expect("sum(dapr_runtime_service_invocation_res_sent_total{sidecar=\"server\",app_id=\"server\","
                    + "dst_app_id=\"client\",status=\"5\"})", NOT_FOUND),
            new Expect("sum(dapr_runtime_service_invocation_res_sent_total{sidecar=\"server\"})", TO_SERVER),
            new Expect("sum(dapr_runtime_service_invocation_req_sent_total{sidecar=\"server\"})", 0),
            // B's internal port is not the gRPC API server: Dapr's grpc.io/server views are the API port's only
            new Expect("sum(dapr_grpc_io_server_completed_rpcs{sidecar=\"server\"})", 0));

    static final MetricNames H2SPLICE_NAMES = new MetricNames("h2splice_*", H2SPLICE_EXPECTATIONS, Set.of());

    /**
     * Dapr's names break two of promtool's lint rules; promtool exits 3 ("lint problems only") on them. Dashboards
     * depend on the names, so these exact lines are accepted (a text promtool cannot parse still fails).
     */
    static final MetricNames DAPR_NAMES = new MetricNames("dapr_*", DAPR_EXPECTATIONS,
            PrometheusServer.DAPR_NAME_LINTS);

    /** What this test checks: h2splice's own names and Dapr's, side by side on the same pages. */
    static final MetricNames ACTIVE = new MetricNames("h2splice_* and dapr_*", concat(H2SPLICE_EXPECTATIONS,
            DAPR_EXPECTATIONS), DAPR_NAMES.acceptedPromtoolLint());

    private static List<Expect> concat(List<Expect> a, List<Expect> b) {
        List<Expect> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** How long a count may take to show in Prometheus: a scrape every second, plus slack for a slow CI machine. */
    private static final Duration SCRAPED = Duration.ofSeconds(15);

    @Test
    void prometheusCountsEveryCallOnBothSidecars() throws Exception {
        PrometheusServer.assumeInstalled();
        try (TwoSidecars net = TwoSidecars.start()) {
            int metricsA = net.sidecarA().metricsPort();
            int metricsB = net.sidecarB().metricsPort();
            assertTrue(metricsA > 0 && metricsB > 0, "both sidecars serve metrics: A " + metricsA + ", B " + metricsB);
            try (PrometheusServer prom = PrometheusServer.start(
                    new Target(TwoSidecars.CLIENT, metricsA), new Target(TwoSidecars.SERVER, metricsB))) {
                // Prometheus 2.x hands static targets to its scrape manager only after up to 5 s (its discovery
                // updates are throttled), so the calls run meanwhile rather than after a first scrape.
                makeCalls(net);
                prom.awaitTargetsUp(SCRAPED);

                assertPrometheusSeesAll(prom, ACTIVE.expectations());
                assertPrometheusSees(prom, "sum(up{job=\"" + PrometheusServer.JOB + "\"})", 2);
                assertTrue(prom.targetsUp(), "both targets up: " + prom.targetHealth());
                assertEquals(Set.of("http://127.0.0.1:" + metricsA + "/metrics", "http://127.0.0.1:" + metricsB
                        + "/metrics"), prom.targetHealth().keySet(), "Prometheus scrapes exactly the two sidecars");
                // The set not checked today must at least be valid PromQL, so switching cannot fail on syntax.
                for (MetricNames names : List.of(H2SPLICE_NAMES, DAPR_NAMES)) {
                    for (Expect e : names.expectations()) {
                        prom.query(orZero(e.promql()));
                    }
                }
            }
            PrometheusServer.checkMetrics(PrometheusServer.fetch(metricsA, "/metrics"), ACTIVE.acceptedPromtoolLint());
            PrometheusServer.checkMetrics(PrometheusServer.fetch(metricsB, "/metrics"), ACTIVE.acceptedPromtoolLint());
        }
    }

    /** Waits until Prometheus reports {@code expected} for {@code promql} (no series reads as 0). */
    private static void assertPrometheusSees(PrometheusServer prom, String promql, long expected) {
        prom.awaitValue(orZero(promql), expected, SCRAPED);
    }

    /** Waits until Prometheus reports every expectation at once; on failure lists each query, right or wrong. */
    private static void assertPrometheusSeesAll(PrometheusServer prom, List<Expect> expectations) {
        Map<String, Double> byQuery = new LinkedHashMap<>();
        for (Expect e : expectations) {
            if (byQuery.put(orZero(e.promql()), (double) e.value()) != null) {
                throw new IllegalArgumentException("query listed twice: " + e.promql());
            }
        }
        prom.awaitValues(byQuery, SCRAPED);
    }

    private static String orZero(String promql) {
        return "(" + promql + ") or vector(0)";
    }

    private static void makeCalls(TwoSidecars net) {
        Channel ch = net.channel();
        for (int i = 0; i < OK_UNARY; i++) {
            byte[] request = Payloads.random(100 + i, i);
            assertSameBytes("echo " + i, request, GrpcCalls.unary(ch, TestService.ECHO, routedTo("server"), request)
                    .single());
        }
        for (int i = 0; i < OK_SERVER_STREAMING; i++) {
            CallResult r = GrpcCalls.unary(ch, TestService.FETCH, routedTo("server"), TestService.fetchRequest(3, 10))
                    .assertOk();
            assertEquals(3, r.messages().size(), "server-streamed messages");
        }
        for (int i = 0; i < OK_CLIENT_STREAMING; i++) {
            List<byte[]> requests = List.of(new byte[10], new byte[20], new byte[30]);
            CallResult r = GrpcCalls.call(ch, TestService.SUM, CallOptions.DEFAULT, routedTo("server"), requests);
            assertEquals(60, TestService.readLong(r.single(), 0), "bytes the app summed");
        }
        for (int i = 0; i < OK_BIDI; i++) {
            List<byte[]> requests = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                requests.add(Payloads.random(50, i * 10L + m));
            }
            CallResult r = GrpcCalls.call(ch, TestService.CHAT, CallOptions.DEFAULT, routedTo("server"), requests)
                    .assertOk();
            assertEquals(4, r.messages().size(), "bidi echoes");
        }
        MethodDescriptor<byte[], byte[]> missing =
                TestService.method(TestService.SERVICE + "/NoSuchMethod", MethodDescriptor.MethodType.UNARY);
        for (int i = 0; i < UNIMPLEMENTED; i++) {
            GrpcCalls.assertStatusIn(Set.of(Status.Code.UNIMPLEMENTED),
                    GrpcCalls.unary(ch, missing, routedTo("server"), new byte[] {1}));
        }
        net.serverApp().script("prometheus-not-found", new Script(new Metadata(), new byte[] {7},
                Status.NOT_FOUND.withDescription("scripted for the scrape test"), new Metadata()));
        for (int i = 0; i < NOT_FOUND; i++) {
            GrpcCalls.assertStatus(Status.Code.NOT_FOUND, "scripted for the scrape test", GrpcCalls.unary(ch,
                    TestService.SCRIPTED, routedTo("server"), "prometheus-not-found".getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < UNKNOWN_APP; i++) {
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "couldn't find service: nobody",
                    GrpcCalls.unary(ch, TestService.ECHO, routedTo("nobody"), new byte[] {2}));
        }
    }
}
