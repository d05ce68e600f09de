package io.h2splice.core.e2e;

import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLER_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.acl.AccessList;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.Operation;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.PrometheusServer;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Access lists between two plaintext sidecars: without mTLS there is no verified caller, so only the global default
 * applies, whatever the policies and whatever {@code dapr-caller-app-id} the client sends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AccessListE2eTest {

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    private static AccessList list(String global, String clientDefault) {
        return AccessList.compile(new AccessControl(global, null, List.of(new AccessPolicy(TwoSidecars.CLIENT,
                clientDefault, "public", "default",
                List.of(new Operation(TestService.ECHO.getFullMethodName(), List.of(), clientDefault))))));
    }

    private static CallResult echo(Metadata md) {
        return GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, "hi".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutMtlsTheGlobalDenyApplies() {
        NET.get().sidecarB().accessLists().swap(list("deny", "allow"));
        Metadata md = routedTo(TwoSidecars.SERVER);
        md.put(DAPR_CALLER_APP_ID, TwoSidecars.CLIENT);
        CallResult r = echo(md);
        GrpcCalls.assertStatus(Status.Code.PERMISSION_DENIED, "access control policy has denied access to id:  "
                + "operation: /" + TestService.ECHO.getFullMethodName() + " verb: NONE", r);
        assertTrue(NET.get().sidecarB().accessLists().metricsText().contains(
                "dapr_runtime_acl_global_policy_action_blocked_total{app_id=\"\",trustDomain=\"\",namespace=\"\"}"));
    }

    @Test
    void promtoolAcceptsTheMetricsPageWithAclCounters() throws Exception {
        NET.get().sidecarB().accessLists().swap(list("deny", "allow"));
        echo(routedTo(TwoSidecars.SERVER));
        NET.get().sidecarB().accessLists().swap(list("allow", "allow"));
        echo(routedTo(TwoSidecars.SERVER));
        String page = PrometheusServer.fetch(NET.get().sidecarB().metricsPort(), "/metrics");
        assertTrue(page.contains("# TYPE dapr_runtime_acl_global_policy_action_allowed_total counter\n"), page);
        assertTrue(page.contains("# TYPE dapr_runtime_acl_global_policy_action_blocked_total counter\n"), page);
        PrometheusServer.checkMetrics(page, PrometheusServer.DAPR_NAME_LINTS);
    }

    @Test
    void withoutMtlsTheGlobalAllowApplies() {
        NET.get().sidecarB().accessLists().swap(list("allow", "deny"));
        Metadata md = routedTo(TwoSidecars.SERVER);
        md.put(DAPR_CALLER_APP_ID, "spoofed");
        CallResult r = echo(md);
        assertEquals(Status.Code.OK, r.status().getCode(), r.toString());
        ReceivedCall seen = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(10));
        // Sidecar A stamps the caller: the client's value never reaches the app.
        assertEquals(TwoSidecars.CLIENT, seen.headers().get(DAPR_CALLER_APP_ID));
    }
}
