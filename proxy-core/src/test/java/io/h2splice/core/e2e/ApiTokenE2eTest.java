package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.config.ApiTokens;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.DAPR_API_TOKEN;
import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLER_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * COMPAT.md "API tokens" through two real sidecars. Sidecar A ({@code client}, with its own app) has
 * {@code DAPR_API_TOKEN} and no app token; sidecar B ({@code server}) has both a {@code DAPR_API_TOKEN} of its own
 * (which its internal port must ignore) and an {@code APP_API_TOKEN}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ApiTokenE2eTest {

    static final String TOKEN_A = "a-t0ken-Of-32-characters-exactly";
    static final String TOKEN_B = "b-token-never-sent-by-anyone";
    static final String APP_TOKEN_B = "app-token-for-server-app";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder()
            .withClientApp()
            .configureA(c -> c.withApiTokens(new ApiTokens(TOKEN_A, "")))
            .configureB(c -> c.withApiTokens(new ApiTokens(TOKEN_B, APP_TOKEN_B))));

    private static Metadata withToken(String appId, String token) {
        Metadata md = routedTo(appId);
        if (token != null) {
            md.put(DAPR_API_TOKEN, token);
        }
        return md;
    }

    private static void assertDenied(CallResult r) {
        GrpcCalls.assertStatus(Status.Code.UNAUTHENTICATED, "Unauthorized", r);
        assertTrue(r.trailersOnly(), "a trailers-only response: " + r.describe());
    }

    /** The app never got the call: a later call does arrive, the denied one did not. */
    private static void assertNeverForwarded(Metadata denied) {
        Metadata later = withToken("server", TOKEN_A);
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, later, new byte[] {1}).assertOk();
        NET.get().serverApp().awaitCall(later.get(ReceivedCall.TEST_ID), WAIT);
        assertNull(NET.get().serverApp().call(denied.get(ReceivedCall.TEST_ID)), "a denied call reached the app");
    }

    @Test
    void missingTokenIsUnauthenticatedAndNotForwarded() {
        Metadata md = withToken("server", null);
        assertDenied(GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}));
        assertNeverForwarded(md);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a-t0ken-Of-32-characters-exactlY", // same length, last byte differs
        "A-t0ken-Of-32-characters-exactly", // same length, first byte differs
        "a-t0ken-Of-32-characters-exact",   // a prefix
        "a-t0ken-Of-32-characters-exactly!", // longer
        "",
        TOKEN_B                              // B's token is not A's
    })
    void wrongTokenIsUnauthenticatedAndNotForwarded(String wrong) {
        Metadata md = withToken("server", wrong);
        assertDenied(GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}));
        assertNeverForwarded(md);
    }

    @Test
    void onlyTheFirstValueCounts() {
        Metadata md = routedTo("server");
        md.put(DAPR_API_TOKEN, "wrong");
        md.put(DAPR_API_TOKEN, TOKEN_A);
        assertDenied(GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}));
    }

    @Test
    void aStreamingCallIsCheckedToo() {
        Metadata md = withToken("server", null);
        CallResult r = GrpcCalls.call(NET.get().channel(), TestService.CHAT, CallOptions.DEFAULT, md,
                List.of(new byte[] {1}, new byte[] {2}));
        assertDenied(r);
    }

    @Test
    void rightTokenPassesAndTheAppSeesOnlyItsAppToken() {
        Metadata md = withToken("server", TOKEN_A);
        md.put(DAPR_CALLER_APP_ID, "mallory"); // spoofed: A re-stamps it
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {7}).assertOk();
        Metadata seen = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT).headers();
        assertEquals(List.of(APP_TOKEN_B), MetadataE2eTest.values(seen, DAPR_API_TOKEN),
                "B's APP_API_TOKEN replaces the client's token; the internal port did not ask for B's own");
        assertEquals(List.of(TwoSidecars.CLIENT), MetadataE2eTest.values(seen, DAPR_CALLER_APP_ID),
                "the client's dapr-caller-app-id never reaches the app");
    }

    @Test
    void ownAppWithoutAppTokenNeverSeesTheClientsToken() {
        Metadata md = withToken(TwoSidecars.CLIENT, TOKEN_A);
        md.put(DAPR_CALLER_APP_ID, "mallory");
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}).assertOk();
        Metadata seen = NET.get().clientApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT).headers();
        assertEquals(List.of(), MetadataE2eTest.values(seen, DAPR_API_TOKEN), "A has no APP_API_TOKEN");
        assertEquals(List.of(TwoSidecars.CLIENT), MetadataE2eTest.values(seen, DAPR_CALLER_APP_ID));
    }

    @Test
    void ownAppIsCheckedToo() {
        Metadata md = withToken(TwoSidecars.CLIENT, "nope");
        assertDenied(GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}));
    }

    /** B has a DAPR_API_TOKEN, yet its internal port takes a call with none, and stamps the app token over any. */
    @Test
    void internalPortNeverChecksTheTokenAndTheAppTokenReplacesAnIncomingOne() throws Exception {
        ManagedChannel direct = NettyChannelBuilder
                .forAddress(TwoSidecars.loopback(NET.get().sidecarB().internalPort())).usePlaintext().build();
        try {
            Metadata none = routedTo("server");
            GrpcCalls.unary(direct, TestService.ECHO, none, new byte[] {1}).assertOk();
            Metadata seen = NET.get().serverApp().awaitCall(none.get(ReceivedCall.TEST_ID), WAIT).headers();
            assertEquals(List.of(APP_TOKEN_B), MetadataE2eTest.values(seen, DAPR_API_TOKEN));

            Metadata forged = withToken("server", "forged-by-a-peer");
            forged.put(DAPR_API_TOKEN, "and-a-second-one");
            GrpcCalls.unary(direct, TestService.ECHO, forged, new byte[] {1}).assertOk();
            seen = NET.get().serverApp().awaitCall(forged.get(ReceivedCall.TEST_ID), WAIT).headers();
            assertEquals(List.of(APP_TOKEN_B), MetadataE2eTest.values(seen, DAPR_API_TOKEN));
        } finally {
            direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void deniedCallsAreCountedOnTheMetricsPage() throws Exception {
        long before = NET.get().sidecarA().metrics().apiTokenDeniedCount(ProxyMetrics.TokenPort.GRPC);
        // SUM is called denied only here, so its API server series is exact.
        for (String token : new String[] {null, "wrong"}) {
            assertDenied(GrpcCalls.call(NET.get().channel(), TestService.SUM, CallOptions.DEFAULT,
                    withToken("server", token), List.of(new byte[] {1})));
        }
        String page = awaitMetrics(NET.get().sidecarA().metricsPort(),
                "dapr_grpc_io_server_completed_rpcs{app_id=\"client\",grpc_server_method=\""
                        + "/" + TestService.SUM.getFullMethodName() + "\",grpc_server_status=\"Unauthenticated\"} 2");
        assertTrue(page.contains("\nh2splice_api_token_denied_total{port=\"grpc\"} " + (before + 2) + "\n"), page);
        assertTrue(page.contains("\nh2splice_calls_total{grpc_status=\"UNAUTHENTICATED\"} "), page);
        assertTrue(!page.contains(TOKEN_A), "the metrics page shows the token");
    }

    @Test
    void httpPortChecksTheTokenExceptHealthz() throws Exception {
        int port = NET.get().sidecarA().httpPort();
        long before = NET.get().sidecarA().metrics().apiTokenDeniedCount(ProxyMetrics.TokenPort.HTTP);
        assertEquals(401, get(port, "/v1.0/metadata", null).statusCode());
        HttpResponse<String> wrong = get(port, "/v1.0/metadata", "a-t0ken-Of-32-characters-exactlY");
        assertEquals(401, wrong.statusCode());
        assertEquals("invalid api token", wrong.body());
        assertEquals(200, get(port, "/v1.0/metadata", TOKEN_A).statusCode());
        assertEquals(204, get(port, "/v1.0/healthz", null).statusCode());
        assertEquals(204, get(port, "/v1.0/healthz/outbound", null).statusCode());
        assertEquals(before + 2, NET.get().sidecarA().metrics().apiTokenDeniedCount(ProxyMetrics.TokenPort.HTTP));
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("dapr-api-token", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Scrapes until {@code line} shows (a call is counted when its stream closes), at most 10 s. */
    private static String awaitMetrics(int port, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = get(port, "/metrics", null).body();
            if (text.contains("\n" + line + "\n")) {
                return text;
            }
            Thread.sleep(50);
        }
        fail("metrics never showed [" + line + "]:\n" + text);
        return text;
    }
}
