package io.h2splice.tls;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.MapResolver;
import io.h2splice.core.testing.TestService;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.context.AppTlsHopSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@code --app-protocol grpcs}: the sidecar speaks TLS to an app whose certificate it does not verify (as Dapr). */
@Timeout(60)
class AppTlsTest {

    @Test
    void aTlsAppIsReachedThroughItsSidecar() throws Exception {
        WorkloadCredentials appCert = MtlsForTests.ca().issue(MtlsForTests.id("app", "default"));
        Server app = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.configure(io.netty.handler.ssl.SslContextBuilder.forServer(appCert.key(),
                        appCert.chain().toArray(new X509Certificate[0]))).build())
                .addService(ServerServiceDefinition.builder(TestService.SERVICE)
                        .addMethod(TestService.ECHO, ServerCalls.asyncUnaryCall((req, obs) -> {
                            obs.onNext(req);
                            obs.onCompleted();
                        })).build())
                .build().start();
        try (AppTlsHopSecurity appTls = AppTlsHopSecurity.create();
             Proxy sidecar = Proxy.builder(ProxyConfig.loopback("server", app.getPort()).withWorkers(1),
                     new MapResolver()).security(new TransportSecurity(HopSecurity.PLAINTEXT, appTls)).start()) {
            sidecar.whenReady().get(10, TimeUnit.SECONDS);
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", sidecar.apiPort()).usePlaintext().build();
            try {
                CallResult r = GrpcCalls.unary(ch, TestService.ECHO, routedTo("server"), new byte[] {4, 2});
                assertArrayEquals(new byte[] {4, 2}, r.single());
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            app.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
