package io.h2splice.core.e2e;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.Bounded;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.MapResolver;
import io.h2splice.core.testing.Payloads;
import io.h2splice.core.testing.Policies;
import io.h2splice.core.testing.RawH2Server.Action;
import io.h2splice.core.testing.RawH2Server;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Policies.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * What the caller's sidecar does when its upstream refuses, resets or drops a stream, seen at frame level: sidecar A
 * sits between a grpc-java client (its own retries off, so that every retry seen is A's) and a {@link RawH2Server}
 * standing in for sidecar B. A stream refused before it started (REFUSED_STREAM, or above GOAWAY's last id) is
 * replayed once on a fresh connection with or without a policy; an upstream reset is a gRPC status (CANCEL → 1,
 * others → 13) the retry policy may match; a dropped connection is UNAVAILABLE.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResiliencyFrameLevelE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    // Made afresh for every sidecar: a target's CallPolicy (its counters, its breakers) lives in its policies.

    /** Retries UNAVAILABLE and INTERNAL (a reset other than CANCEL) 3 times, 10 ms apart. */
    private static ResiliencyPolicies retry() {
        return Policies.resource("frames")
                .retry("r", Policies.constant(ms(10), 3, Status.Code.UNAVAILABLE.value(), Status.Code.INTERNAL.value()))
                .app("server", null, "r", null)
                .policies();
    }

    /** A policy that never retries and never times out in a test: only the refused-stream replay may act. */
    private static ResiliencyPolicies noRetries() {
        return Policies.resource("frames")
                .retry("none", Policies.constant(ms(10), 0))
                .timeout("long", Duration.ofSeconds(60))
                .app("server", "long", "none", null)
                .policies();
    }

    /** Client → sidecar A → the raw server, all on loopback. */
    private static final class Setup implements AutoCloseable {
        final RawH2Server upstream;
        final Proxy a;
        final ManagedChannel channel;

        Setup(ResiliencyPolicies policies) throws Exception {
            upstream = RawH2Server.start();
            Proxy started = null;
            try {
                MapResolver resolver = new MapResolver().put("server", "default",
                        TwoSidecars.loopback(upstream.port()));
                started = Proxy.builder(ProxyConfig.loopback("client", 0), resolver).resiliency(policies).start();
                started.whenReady().get(15, TimeUnit.SECONDS);
            } catch (Exception | Error e) {
                if (started != null) {
                    started.close();
                }
                upstream.close();
                throw e;
            }
            a = started;
            channel = NettyChannelBuilder.forAddress(TwoSidecars.loopback(a.apiPort())).usePlaintext()
                    .disableRetry().build();
        }

        CallResult call(byte[] request) {
            return GrpcCalls.unary(channel, TestService.ECHO, routedTo("server"), request);
        }

        CallPolicy policy() {
            return a.resiliency().forTarget("server");
        }

        @Override
        public void close() {
            Bounded.run("closing the client channel", WAIT, () -> channel.shutdownNow().awaitTermination(5,
                    TimeUnit.SECONDS));
            Bounded.run("closing sidecar A", Duration.ofSeconds(30), a::close);
            upstream.close();
        }
    }

    private static void assertReplayedOnAFreshConnection(RawH2Server upstream, Action refusal, byte[] request) {
        List<RawH2Server.Stream> streams = upstream.streams();
        assertEquals(2, streams.size(), "the refused stream and its replay: " + streams);
        assertEquals(refusal, streams.get(0).action());
        assertNotEquals(streams.get(0).connection(), streams.get(1).connection(), "replayed on a fresh connection");
        Payloads.assertSameBytes("replayed request", grpcFramed(request), streams.get(1).data());
    }

    @Test
    void aRefusedStreamIsReplayedOnceWithoutAnyPolicy() throws Exception {
        try (Setup s = new Setup(ResiliencyPolicies.NONE)) {
            s.upstream.then(Action.REFUSE);
            byte[] request = Payloads.random(500, 1);
            Payloads.assertSameBytes("response", request, s.call(request).single());
            assertReplayedOnAFreshConnection(s.upstream, Action.REFUSE, request);
        }
    }

    @Test
    void aRefusedStreamIsReplayedOnceUnderAPolicyThatAllowsNoRetries() throws Exception {
        try (Setup s = new Setup(noRetries())) {
            s.upstream.then(Action.REFUSE);
            byte[] request = Payloads.random(500, 2);
            Payloads.assertSameBytes("response", request, s.call(request).single());
            assertReplayedOnAFreshConnection(s.upstream, Action.REFUSE, request);
            assertEquals(0, s.policy().activatedCount(CallPolicy.Kind.RETRY), "the replay is not a policy retry");
        }
    }

    @Test
    void aStreamAboveGoAwaysLastIdIsReplayedOnceWithAndWithoutAPolicy() throws Exception {
        for (ResiliencyPolicies policies : List.of(ResiliencyPolicies.NONE, noRetries())) {
            try (Setup s = new Setup(policies)) {
                s.upstream.then(Action.GOAWAY);
                byte[] request = Payloads.random(300, 3);
                Payloads.assertSameBytes("response", request, s.call(request).single());
                assertReplayedOnAFreshConnection(s.upstream, Action.GOAWAY, request);
            }
        }
    }

    @Test
    void aSecondRefusalEndsTheAttemptAndThePolicyRetriesIt() throws Exception {
        try (Setup s = new Setup(retry())) {
            s.upstream.then(Action.REFUSE, Action.REFUSE); // the attempt and its one replay are refused
            byte[] request = Payloads.random(200, 4);
            Payloads.assertSameBytes("response", request, s.call(request).single());
            assertEquals(3, s.upstream.streams().size(), s.upstream.streams().toString());
            assertEquals(1, s.policy().activatedCount(CallPolicy.Kind.RETRY));
        }
    }

    @Test
    void anUpstreamResetIsAStatusTheRetryPolicyMatches() throws Exception {
        try (Setup s = new Setup(retry())) {
            s.upstream.then(Action.RESET_INTERNAL_ERROR); // → INTERNAL (13): matched
            byte[] request = Payloads.random(200, 5);
            Payloads.assertSameBytes("response", request, s.call(request).single());
            assertEquals(2, s.upstream.streams().size());
            Payloads.assertSameBytes("retried request", s.upstream.streams().get(0).data(),
                    s.upstream.streams().get(1).data());

            s.upstream.then(Action.RESET_CANCEL); // → CANCELLED (1): not matched
            CallResult r = s.call(new byte[] {1});
            assertEquals(Status.Code.CANCELLED, r.status().getCode(), r.describe());
            assertEquals(3, s.upstream.streams().size(), "a reset mapped to an unmatched code is not retried");
            assertEquals(1, s.policy().activatedCount(CallPolicy.Kind.RETRY));
        }
    }

    @Test
    void aConnectionDroppedUnderAnAttemptIsRetriedOnANewOne() throws Exception {
        try (Setup s = new Setup(retry())) {
            s.upstream.then(Action.CLOSE);
            byte[] request = Payloads.random(200, 6);
            Payloads.assertSameBytes("response", request, s.call(request).single());
            List<RawH2Server.Stream> streams = s.upstream.streams();
            assertEquals(2, streams.size());
            assertNotEquals(streams.get(0).connection(), streams.get(1).connection());
            assertEquals(1, s.policy().activatedCount(CallPolicy.Kind.RETRY));
            Await.equals("streams open on A", 0, WAIT, () -> s.a.metrics().streamsActive());
        }
    }

    @Test
    void withoutAPolicyADroppedConnectionIsUnavailableAndNotRetried() throws Exception {
        try (Setup s = new Setup(ResiliencyPolicies.NONE)) {
            s.upstream.then(Action.CLOSE);
            CallResult r = s.call(new byte[] {1});
            assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r.describe());
            assertEquals(1, s.upstream.streams().size());
        }
    }

    /** The DATA a gRPC client sends for one uncompressed message. */
    private static byte[] grpcFramed(byte[] message) {
        byte[] out = new byte[5 + message.length];
        out[1] = (byte) (message.length >>> 24);
        out[2] = (byte) (message.length >>> 16);
        out[3] = (byte) (message.length >>> 8);
        out[4] = (byte) message.length;
        System.arraycopy(message, 0, out, 5, message.length);
        return out;
    }
}
