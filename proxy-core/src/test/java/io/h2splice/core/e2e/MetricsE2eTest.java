package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.Script;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Calls through two real sidecars show up in both metrics pages under Dapr's names: the caller's sidecar counts
 * requests sent and responses received by target and status (with the latency of unary calls) and its API server's
 * completed calls by method; the callee's sidecar counts requests received and responses sent by caller.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsE2eTest {

    private static final String ECHO = "/" + TestService.SERVICE + "/Echo";
    private static final String SCRIPTED = "/" + TestService.SERVICE + "/Scripted";
    private static final String CHAT = "/" + TestService.SERVICE + "/Chat";
    private static TwoSidecars net;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void makeCalls() throws Exception {
        net = TwoSidecars.start();
        for (int i = 0; i < 5; i++) {
            GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo("server"), new byte[100 * i]).assertOk();
        }
        net.serverApp().script("missing", Script.fail(Status.NOT_FOUND.withDescription("no such thing"), new Metadata()));
        for (int i = 0; i < 2; i++) {
            CallResult r = GrpcCalls.unary(net.channel(), TestService.SCRIPTED, routedTo("server"),
                    "missing".getBytes(StandardCharsets.UTF_8));
            GrpcCalls.assertStatus(Status.Code.NOT_FOUND, "no such thing", r);
        }
        Metadata streaming = routedTo("server");
        streaming.put(ascii("dapr-stream"), "true");
        RecordingCall chat = GrpcCalls.start(net.channel(), TestService.CHAT, CallOptions.DEFAULT, streaming);
        chat.send(new byte[10]).send(new byte[20]).halfClose();
        chat.await(Duration.ofSeconds(20)).assertOk();
        // rejected by the caller's sidecar itself: no dapr-app-id
        CallResult noTarget = GrpcCalls.unary(net.channel(), TestService.ECHO, new Metadata(), new byte[1]);
        assertEquals(Status.Code.INVALID_ARGUMENT, noTarget.status().getCode(), noTarget.toString());
    }

    @AfterAll
    static void stop() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void callerSidecarCountsByTargetStatusAndType() throws Exception {
        String a = awaitScrape(net.sidecarA().metricsPort(),
                "dapr_runtime_service_invocation_res_recv_total{app_id=\"client\",src_app_id=\"server\",status=\"0\","
                        + "type=\"unary\"} 5");
        assertLine(a, "dapr_runtime_service_invocation_req_sent_total{app_id=\"client\",dst_app_id=\"server\","
                + "type=\"unary\"} 7");
        assertLine(a, "dapr_runtime_service_invocation_req_sent_total{app_id=\"client\",dst_app_id=\"server\","
                + "type=\"streaming\"} 1");
        assertLine(a, "dapr_runtime_service_invocation_res_recv_total{app_id=\"client\",src_app_id=\"server\","
                + "status=\"5\",type=\"unary\"} 2");
        assertLine(a, "dapr_runtime_service_invocation_res_recv_total{app_id=\"client\",src_app_id=\"server\","
                + "status=\"0\",type=\"streaming\"} 1");
        assertLine(a, "dapr_runtime_service_invocation_res_recv_latency_ms_count{app_id=\"client\","
                + "src_app_id=\"server\",status=\"0\"} 5");
        assertLine(a, "dapr_runtime_service_invocation_res_recv_latency_ms_bucket{app_id=\"client\","
                + "src_app_id=\"server\",status=\"5\",le=\"+Inf\"} 2");
    }

    @Test
    void callerApiServerCountsByMethodAndStatus() throws Exception {
        String a = awaitScrape(net.sidecarA().metricsPort(), "dapr_grpc_io_server_completed_rpcs{app_id=\"client\","
                + "grpc_server_method=\"" + ECHO + "\",grpc_server_status=\"OK\"} 5");
        assertLine(a, "dapr_grpc_io_server_completed_rpcs{app_id=\"client\",grpc_server_method=\"" + SCRIPTED
                + "\",grpc_server_status=\"NotFound\"} 2");
        assertLine(a, "dapr_grpc_io_server_completed_rpcs{app_id=\"client\",grpc_server_method=\"" + CHAT
                + "\",grpc_server_status=\"OK\"} 1");
        assertLine(a, "dapr_grpc_io_server_completed_rpcs{app_id=\"client\",grpc_server_method=\"" + ECHO
                + "\",grpc_server_status=\"InvalidArgument\"} 1");
        assertLine(a, "dapr_grpc_io_server_server_latency_count{app_id=\"client\",grpc_server_method=\"" + ECHO
                + "\",grpc_server_status=\"OK\"} 5");
        assertLine(a, "h2splice_added_latency_seconds_count{listener=\"api\"} 8");
        assertTrue(a.contains("h2splice_data_bytes_total{direction=\"request\"} "), a);
    }

    @Test
    void calleeSidecarCountsByCaller() throws Exception {
        String b = awaitScrape(net.sidecarB().metricsPort(), "dapr_runtime_service_invocation_res_sent_total{"
                + "app_id=\"server\",dst_app_id=\"client\",status=\"0\"} 6");
        assertLine(b, "dapr_runtime_service_invocation_req_recv_total{app_id=\"server\",src_app_id=\"client\"} 8");
        assertLine(b, "dapr_runtime_service_invocation_res_sent_total{app_id=\"server\",dst_app_id=\"client\","
                + "status=\"5\"} 2");
        assertLine(b, "h2splice_added_latency_seconds_count{listener=\"internal\"} 8");
        assertTrue(!b.contains("dapr_grpc_io_server_completed_rpcs{"), "the internal port is not the API server");
    }

    /** Scrapes until {@code line} shows (the sidecar counts a call when its stream closes), at most 10 s. */
    private static String awaitScrape(int port, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            text = r.body();
            if (text.contains("\n" + line + "\n")) {
                return text;
            }
            Thread.sleep(50);
        }
        fail("metrics never showed [" + line + "]:\n" + text);
        return text;
    }

    private static void assertLine(String text, String line) {
        assertTrue(text.contains("\n" + line + "\n"), "missing [" + line + "] in:\n" + text);
    }
}
