package io.h2splice.tls.acl;

import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLER_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.acl.AccessList;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.Operation;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import io.h2splice.tls.MtlsForTests;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.context.MtlsHopSecurity;
import io.h2splice.tls.context.TlsMetrics;
import io.h2splice.tls.identity.SpiffeId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dapr's allowlist scenarios end to end: grpc-java client → sidecar A → (mTLS) → sidecar B → app, B enforcing the
 * access list against A's verified SPIFFE id ({@code spiffe://public/ns/default/client}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AccessListOverMtlsTest {

    static {
        MtlsForTests.install();
    }

    private static final String ECHO = "/" + TestService.ECHO.getFullMethodName();
    private static final String CLIENT_ID = "spiffe://public/ns/default/client";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    static AccessPolicy policy(String app, String defaultAction, String td, String ns, Operation... ops) {
        return new AccessPolicy(app, defaultAction, td, ns, List.of(ops));
    }

    static Operation op(String name, String action) {
        return new Operation(name, List.of("*"), action);
    }

    static AccessList list(String global, AccessPolicy... policies) {
        return AccessList.compile(new AccessControl(global, null, List.of(policies)));
    }

    private static void enforce(AccessList list) {
        NET.get().sidecarB().accessLists().swap(list);
    }

    private static CallResult unary(TwoSidecars net, io.grpc.MethodDescriptor<byte[], byte[]> method, Metadata md) {
        return GrpcCalls.unary(net.channel(), method, md, "hi".getBytes(StandardCharsets.UTF_8));
    }

    private static void assertDenied(String spiffeId, String method, CallResult r) {
        GrpcCalls.assertStatus(Status.Code.PERMISSION_DENIED, "access control policy has denied access to id: "
                + spiffeId + " operation: " + method + " verb: NONE", r);
    }

    @Test
    void globalDenyWithOneAllowedAppAndOperation() {
        enforce(list("deny", policy("client", "deny", "public", "default", op(ECHO, "allow"))));
        Metadata ok = routedTo(TwoSidecars.SERVER);
        assertEquals(Status.Code.OK, unary(NET.get(), TestService.ECHO, ok).status().getCode());

        Metadata denied = routedTo(TwoSidecars.SERVER);
        CallResult r = unary(NET.get(), TestService.SCRIPTED, denied);
        assertDenied(CLIENT_ID, "/" + TestService.SCRIPTED.getFullMethodName(), r);
        assertNull(NET.get().serverApp().call(denied.get(ReceivedCall.TEST_ID)), "the app saw a denied call");
    }

    @Test
    void appDefaultDenyWithWildcardsAndAPrefixRule() {
        enforce(list("allow", policy("client", "deny", "public", "default",
                op("/" + TestService.SERVICE + "/E*", "allow"),
                op("/grpc.reflection.v1.ServerReflection", "allow"))));
        assertEquals(Status.Code.OK, unary(NET.get(), TestService.ECHO, routedTo(TwoSidecars.SERVER)).status()
                .getCode());
        assertDenied(CLIENT_ID, "/" + TestService.SUM.getFullMethodName(),
                unary(NET.get(), TestService.SUM, routedTo(TwoSidecars.SERVER)));

        // The prefix rule covers the streaming method below it: a bidi stream runs through.
        RecordingCall chat = GrpcCalls.start(NET.get().channel(), TestService.REFLECTION_V1, CallOptions.DEFAULT,
                routedTo(TwoSidecars.SERVER));
        chat.send("one".getBytes(StandardCharsets.UTF_8));
        chat.send("two".getBytes(StandardCharsets.UTF_8));
        chat.halfClose();
        CallResult streamed = chat.await(WAIT);
        assertEquals(Status.Code.OK, streamed.status().getCode(), streamed.toString());
    }

    @Test
    void sameAppIdInTwoNamespaces() {
        enforce(list("deny",
                policy("client", "allow", "public", "other"),
                policy("client", "deny", "public", "default")));
        assertDenied(CLIENT_ID, ECHO, unary(NET.get(), TestService.ECHO, routedTo(TwoSidecars.SERVER)));
        enforce(list("deny",
                policy("client", "deny", "public", "other"),
                policy("client", "allow", "public", "default")));
        assertEquals(Status.Code.OK, unary(NET.get(), TestService.ECHO, routedTo(TwoSidecars.SERVER)).status()
                .getCode());
    }

    @Test
    void spoofedCallerAppIdNeitherDecidesNorReachesTheApp() {
        enforce(list("deny", policy("admin", "allow", "public", "default")));
        Metadata spoofed = routedTo(TwoSidecars.SERVER);
        spoofed.put(DAPR_CALLER_APP_ID, "admin");
        assertDenied(CLIENT_ID, ECHO, unary(NET.get(), TestService.ECHO, spoofed));

        enforce(list("deny", policy("client", "allow", "public", "default")));
        Metadata md = routedTo(TwoSidecars.SERVER);
        md.put(DAPR_CALLER_APP_ID, "admin");
        assertEquals(Status.Code.OK, unary(NET.get(), TestService.ECHO, md).status().getCode());
        ReceivedCall seen = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        assertEquals("client", seen.headers().get(DAPR_CALLER_APP_ID));
    }

    @Test
    void decisionsAreCountedUnderDaprsNames() throws Exception {
        enforce(list("deny", policy("client", "deny", "public", "default", op(ECHO, "allow"))));
        String labels = "{app_id=\"client\",trustDomain=\"public\",namespace=\"default\"}";
        int metricsB = NET.get().sidecarB().metricsPort();
        String before = scrape(metricsB);
        unary(NET.get(), TestService.ECHO, routedTo(TwoSidecars.SERVER));
        unary(NET.get(), TestService.ECHO, routedTo(TwoSidecars.SERVER));
        unary(NET.get(), TestService.SUM, routedTo(TwoSidecars.SERVER));
        String after = scrape(metricsB);
        assertEquals(2, count(after, "dapr_runtime_acl_app_policy_action_allowed_total" + labels)
                - count(before, "dapr_runtime_acl_app_policy_action_allowed_total" + labels), after);
        assertEquals(1, count(after, "dapr_runtime_acl_app_policy_action_blocked_total" + labels)
                - count(before, "dapr_runtime_acl_app_policy_action_blocked_total" + labels), after);
    }

    @Test
    void twoTrustDomains() throws Exception {
        TransportSecurity otherDomain = new TransportSecurity(hop(new SpiffeId("mydomain", "default", "client")),
                HopSecurity.PLAINTEXT);
        String id = "spiffe://mydomain/ns/default/client";
        try (TwoSidecars net = TwoSidecars.builder().securityA(otherDomain)
                .accessListB(list("deny", policy("client", "allow", "public", "default"))).start()) {
            assertDenied(id, ECHO, unary(net, TestService.ECHO, routedTo(TwoSidecars.SERVER)));
            net.sidecarB().accessLists().swap(list("deny",
                    policy("client", "deny", "public", "default"),
                    policy("client", "allow", "mydomain", "default")));
            assertEquals(Status.Code.OK, unary(net, TestService.ECHO, routedTo(TwoSidecars.SERVER)).status()
                    .getCode());
            assertTrue(net.sidecarB().accessLists().metricsText().contains(
                    "dapr_runtime_acl_app_policy_action_allowed_total{app_id=\"client\",trustDomain=\"mydomain\","
                            + "namespace=\"default\"} 1\n"));
        }
    }

    private static MtlsHopSecurity hop(SpiffeId id) throws Exception {
        try {
            return MtlsHopSecurity.of(MtlsForTests.ca().issue(id, KeyAlgorithm.EC_P256, Duration.ofHours(1),
                    Duration.ofMinutes(1)), new TlsMetrics());
        } catch (CaException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static long count(String page, String series) {
        for (String line : page.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Long.parseLong(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
