package io.h2splice.core.testing;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test app and client helpers called directly, without any sidecar: proves the harness itself, so an
 * end-to-end failure points at the proxy. Also pins down the grpc-java behaviour the end-to-end tests rely on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TestAppTest {

    private static TestApp app;
    private static TcpRelay relay;
    private static ManagedChannel channel;
    private static ManagedChannel viaRelay;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start("direct");
        relay = TcpRelay.to(app.port());
        channel = NettyChannelBuilder.forAddress(TwoSidecars.loopback(app.port())).usePlaintext()
                .userAgent("h2splice-e2e").build();
        viaRelay = NettyChannelBuilder.forAddress(TwoSidecars.loopback(relay.port())).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        viaRelay.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        relay.close();
        app.close();
    }

    @Test
    void echoRecordsMetadataAndTagsTheResponse() {
        Metadata md = routedTo("server");
        CallResult r = GrpcCalls.unary(channel, TestService.ECHO, md, "hi".getBytes(StandardCharsets.UTF_8));
        assertEquals("hi", new String(r.single(), StandardCharsets.UTF_8));
        assertEquals("direct", r.headers().get(TestApp.SERVED_BY));
        ReceivedCall rc = app.awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(5));
        assertEquals(TestService.ECHO.getFullMethodName(), rc.method());
        assertEquals("server", rc.headers().get(GrpcCalls.DAPR_APP_ID));
        String ua = rc.headers().get(GrpcCalls.USER_AGENT);
        assertNotNull(ua, "grpc-java's server exposes user-agent in Metadata");
        assertTrue(ua.startsWith("h2splice-e2e "), ua);
        assertNull(rc.deadlineRemainingNanos());
    }

    @Test
    void trailersOnlyErrorHasNoHeaders() {
        Metadata trailers = new Metadata();
        trailers.put(GrpcCalls.STATUS_DETAILS, new byte[] {0, 1, 2, (byte) 255});
        app.script("direct-fail", Script.fail(Status.NOT_FOUND.withDescription("nope 100%"), trailers));
        CallResult r = GrpcCalls.unary(channel, TestService.SCRIPTED, routedTo(null),
                "direct-fail".getBytes(StandardCharsets.UTF_8));
        GrpcCalls.assertStatus(Status.Code.NOT_FOUND, "nope 100%", r);
        assertTrue(r.trailersOnly(), "grpc-java reports a trailers-only response without headers");
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, r.trailers().get(GrpcCalls.STATUS_DETAILS));
    }

    @Test
    void compressedCallShowsGrpcEncodingAtTheApp() {
        Metadata md = routedTo(null);
        md.put(TestApp.COMPRESS_RESPONSE, "gzip");
        byte[] payload = new byte[100_000];
        CallResult r = GrpcCalls.call(channel, TestService.ECHO, CallOptions.DEFAULT.withCompression("gzip"), md,
                List.of(payload));
        assertArrayEquals(payload, r.single());
        assertEquals("gzip", r.headers().get(GrpcCalls.GRPC_ENCODING));
        ReceivedCall rc = app.awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(5));
        assertEquals("gzip", rc.headers().get(GrpcCalls.GRPC_ENCODING));
    }

    @Test
    void deadlineIsSeenAndCancelsTheHangingCall() {
        Metadata md = routedTo(null);
        CallResult r = GrpcCalls.call(channel, TestService.HANG,
                CallOptions.DEFAULT.withDeadlineAfter(100, TimeUnit.MILLISECONDS), md, List.of(new byte[0]));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, r.status().getCode(), r.describe());
        ReceivedCall rc = app.awaitCall(md.get(ReceivedCall.TEST_ID), Duration.ofSeconds(5));
        assertNotNull(rc.deadlineRemainingNanos());
        assertTrue(rc.deadlineRemainingNanos() <= TimeUnit.MILLISECONDS.toNanos(100));
        rc.awaitCancelled(Duration.ofSeconds(5));
    }

    @Test
    void relayAbortFailsTheStream() {
        RecordingCall call = GrpcCalls.start(viaRelay, TestService.SEND_THEN_HOLD, CallOptions.DEFAULT, routedTo(null));
        call.send(TestService.intBytes(2)).halfClose();
        call.awaitMessage(Duration.ofSeconds(5));
        call.awaitMessage(Duration.ofSeconds(5));
        relay.abortAll();
        CallResult r = call.await(Duration.ofSeconds(10));
        GrpcCalls.assertStatusIn(Set.of(Status.Code.UNAVAILABLE, Status.Code.INTERNAL), r);
    }
}
