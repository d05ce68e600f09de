package io.h2splice.core.splice;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.runtime.Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A first end-to-end check of the engine: client → sidecar A → sidecar B → app and back. */
@Timeout(60)
class SpliceSmokeTest {

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("smoke.Echo/Unary")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    Server app;
    Proxy a;
    Proxy b;
    ManagedChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        app = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("smoke.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, obs) -> {
                            obs.onNext(req);
                            obs.onCompleted();
                        })).build())
                .build().start();
        b = Proxy.start(ProxyConfig.loopback("server", app.getPort()).withWorkers(2), (id, ns) ->
                CompletableFuture.completedFuture(List.of()));
        InetSocketAddress bAddr = new InetSocketAddress("127.0.0.1", b.internalPort());
        NameResolver resolver = (id, ns) -> CompletableFuture.completedFuture(
                id.equals("server") && ns.equals("default") ? List.of(bAddr) : List.of());
        a = Proxy.start(ProxyConfig.loopback("client", 0).withWorkers(2), resolver);
        b.whenReady().get(10, TimeUnit.SECONDS);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", a.apiPort()).usePlaintext().build();
    }

    @AfterEach
    void tearDown() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        a.close();
        b.close();
        app.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private byte[] call(String appId, byte[] req) {
        Metadata md = new Metadata();
        if (appId != null) {
            md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), appId);
        }
        ClientCall<byte[], byte[]> call = channel.newCall(ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
        return ClientCalls.blockingUnaryCall(
                io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md)),
                ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), req);
    }

    @Test
    void unaryThroughTwoSidecars() {
        for (int i = 0; i < 20; i++) {
            byte[] reply = call("server", ("hello " + i).getBytes(StandardCharsets.UTF_8));
            assertEquals("hello " + i, new String(reply, StandardCharsets.UTF_8));
        }
    }

    @Test
    void unknownApp() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call("nosuch", new byte[1]));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("couldn't find service: nosuch", e.getStatus().getDescription());
    }

    @Test
    void missingAppId() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(null, new byte[1]));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("cannot proxy request: missing dapr-callee-app-id or dapr-app-id metadata",
                e.getStatus().getDescription());
    }
}
