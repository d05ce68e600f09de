package io.h2splice.core.e2e;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import io.h2splice.tls.MtlsForTests;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ApiTokenE2eTest}, with mTLS between the two sidecars: the token checks and stamping are the same whatever
 * the hop's security, and the caller the app sees is the verified one.
 */
@ExtendWith(MtlsForTests.Installed.class)
class ApiTokenOverMtlsTest extends ApiTokenE2eTest {
    /**
     * Over mTLS a plaintext client cannot reach the internal port at all, token or not (the plaintext variant shows
     * that the port does not check tokens; the app token replacing a forged one is covered through sidecar A).
     */
    @Override
    @Test
    void internalPortNeverChecksTheTokenAndTheAppTokenReplacesAnIncomingOne() throws Exception {
        ManagedChannel direct = NettyChannelBuilder
                .forAddress(TwoSidecars.loopback(NET.get().sidecarB().internalPort())).usePlaintext().build();
        try {
            CallResult r = GrpcCalls.unary(direct, TestService.ECHO, routedTo("server"), new byte[] {1});
            assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r::describe);
        } finally {
            direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
