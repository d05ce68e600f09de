package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.DAPR_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLEE_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLER_NAMESPACE;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** COMPAT.md "Routing": which app a call reaches, and the errors the proxy makes itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoutingE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    private static CallResult echo(Metadata md) {
        return GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {42});
    }

    /** A proxy-made error is trailers-only and never reaches an app. */
    private static void assertProxyError(Status.Code code, String message, Metadata md, CallResult r) {
        GrpcCalls.assertStatus(code, message, r);
        assertTrue(r.trailersOnly(), "a proxy-made error must be a trailers-only response, got " + r.describe());
        String id = md.get(ReceivedCall.TEST_ID);
        assertNull(NET.get().serverApp().call(id), "the call reached the app anyway");
    }

    @Test
    void unknownAppIdIsUnavailable() {
        Metadata md = routedTo("nosuch");
        assertProxyError(Status.Code.UNAVAILABLE, "couldn't find service: nosuch", md, echo(md));
    }

    @Test
    void missingAppIdIsInvalidArgument() {
        Metadata md = routedTo(null);
        assertProxyError(Status.Code.INVALID_ARGUMENT,
                "cannot proxy request: missing dapr-callee-app-id or dapr-app-id metadata", md, echo(md));
    }

    @Test
    void appIdWithTwoDotsIsInvalidArgument() {
        Metadata md = routedTo("a.b.c");
        assertProxyError(Status.Code.INVALID_ARGUMENT, "invalid app id a.b.c", md, echo(md));
    }

    @Test
    void calleeAppIdWinsOverAppId() {
        Metadata md = routedTo("nosuch");
        md.put(DAPR_CALLEE_APP_ID, "server");
        CallResult r = echo(md);
        assertSameBytes("reply", new byte[] {42}, r.single());
        assertEquals("server-app", r.headers().get(TestApp.SERVED_BY));
    }

    @Test
    void onlyTheFirstAppIdValueCounts() {
        Metadata md = routedTo("server");
        md.put(DAPR_APP_ID, "nosuch");
        CallResult r = echo(md);
        r.assertOk();
        assertEquals("server-app", r.headers().get(TestApp.SERVED_BY));
    }

    @Test
    void daprApiMethodWithoutAppIdIsUnimplemented() {
        MethodDescriptor<byte[], byte[]> invoke = TestService.method("dapr.proto.runtime.v1.Dapr/InvokeService",
                MethodDescriptor.MethodType.UNARY);
        Metadata md = routedTo(null);
        CallResult r = GrpcCalls.unary(NET.get().channel(), invoke, md, new byte[0]);
        assertEquals(Status.Code.UNIMPLEMENTED, r.status().getCode(), "Dapr API call: " + r.describe());
        assertTrue(r.trailersOnly(), "a proxy-made error must be trailers-only, got " + r.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2splice.test.TestService/Echo?x=1", "h2splice.test.TestService/Echo#frag"})
    void methodPathWithQueryOrFragmentIsInvalidArgument(String fullMethod) {
        MethodDescriptor<byte[], byte[]> bad = TestService.method(fullMethod, MethodDescriptor.MethodType.UNARY);
        Metadata md = routedTo("server");
        CallResult r = GrpcCalls.unary(NET.get().channel(), bad, md, new byte[] {1});
        String desc = String.valueOf(r.status().getDescription());
        if (r.status().getCode() != Status.Code.INVALID_ARGUMENT || !desc.startsWith("invalid method: ")) {
            throw new AssertionError("expected INVALID_ARGUMENT 'invalid method: ...' but got " + r.describe());
        }
        assertNull(NET.get().serverApp().call(md.get(ReceivedCall.TEST_ID)), "the bad method reached the app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v1alpha"})
    void reflectionMethodsWithAnAppIdAreProxiedToTheApp(String version) {
        MethodDescriptor<byte[], byte[]> method = version.equals("v1") ? TestService.REFLECTION_V1
                : TestService.REFLECTION_V1ALPHA;
        Metadata md = routedTo("server");
        CallResult r = GrpcCalls.call(NET.get().channel(), method, CallOptions.DEFAULT, md,
                List.of(new byte[] {1, 2, 3}, new byte[] {4}));
        r.assertOk();
        assertEquals(2, r.messages().size(), "reflection-named bidi replies: " + r.describe());
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        assertEquals(method.getFullMethodName(), rc.method());
    }

    @Test
    void appIdWithNamespaceRoutesToThatNamespace() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().serverNamespace("production").start()) {
            Metadata md = routedTo("server.production");
            CallResult r = GrpcCalls.unary(t.channel(), TestService.ECHO, md, new byte[] {9});
            assertSameBytes("reply", new byte[] {9}, r.single());
            ReceivedCall rc = t.serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
            assertEquals(List.of("default"), MetadataE2eTest.values(rc.headers(), DAPR_CALLER_NAMESPACE),
                    "dapr-caller-namespace at the app");
            assertTrue(t.resolverA().lookups().contains("server.production"),
                    "A should resolve (server, production), looked up " + t.resolverA().lookups());

            // Without a namespace the target is in A's own namespace (default), where there is no 'server'.
            Metadata plain = routedTo("server");
            CallResult miss = GrpcCalls.unary(t.channel(), TestService.ECHO, plain, new byte[] {9});
            GrpcCalls.assertStatus(Status.Code.UNAVAILABLE, "couldn't find service: server", miss);
        }
    }

    @Test
    void ownAppIdShortCircuitsToTheLocalApp() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().withClientApp().start()) {
            for (String target : List.of("client", "client.default")) {
                Metadata md = routedTo(target);
                CallResult r = GrpcCalls.unary(t.channel(), TestService.ECHO, md, new byte[] {5});
                assertSameBytes("reply", new byte[] {5}, r.single());
                assertEquals("client-app", r.headers().get(TestApp.SERVED_BY),
                        "dapr-app-id: " + target + " should be served by A's own app");
                String id = md.get(ReceivedCall.TEST_ID);
                assertNotNull(t.clientApp().awaitCall(id, WAIT));
                assertNull(t.serverApp().call(id), "the call went to B's app");
            }
            assertTrue(t.resolverA().lookups().stream().noneMatch(l -> l.startsWith("client.")),
                    "a local call needs no name resolution, looked up " + t.resolverA().lookups());
        }
    }

    @Test
    void sameAppIdInAnotherNamespaceIsNotLocal() throws Exception {
        try (TwoSidecars t = TwoSidecars.builder().withClientApp().start()) {
            Metadata md = routedTo("client.production");
            RecordingCall call = GrpcCalls.start(t.channel(), TestService.ECHO, CallOptions.DEFAULT, md);
            call.send(new byte[] {5}).halfClose();
            CallResult r = call.await(WAIT);
            assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(),
                    "client.production is not A's own app (namespace differs) and is unknown: " + r.describe());
            assertNull(t.clientApp().call(md.get(ReceivedCall.TEST_ID)), "short-circuited across namespaces");
        }
    }
}
