package io.h2splice.core.runtime;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.testing.TestService;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --unix-domain-socket}: as daprd, the gRPC API (and the HTTP port) listen on {@code dapr-<app id>-grpc.socket}
 * ({@code -http.socket}) in the directory given, and not on TCP; a grpc-java client calls over the socket.
 */
@Timeout(60)
class UnixSocketApiTest {

    private static final MethodDescriptor<byte[], byte[]> ECHO = TestService.method("uds.Svc/Echo",
            MethodDescriptor.MethodType.UNARY);

    @TempDir
    Path dir;
    private Server app;
    private Proxy proxy;
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @AfterEach
    void tearDown() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (app != null) {
            app.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aGrpcClientCallsTheAppOverTheApiSocketAndTheSocketGoesWithTheSidecar() throws Exception {
        app = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("uds.Svc")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, obs) -> {
                            obs.onNext(req);
                            obs.onCompleted();
                        })).build())
                .build().start();
        proxy = start(dir, app.getPort());
        proxy.whenReady().get(10, TimeUnit.SECONDS);
        Path grpcSocket = dir.resolve("dapr-server-grpc.socket");
        Path httpSocket = dir.resolve("dapr-server-http.socket");
        assertTrue(Files.exists(grpcSocket) && Files.exists(httpSocket), "socket files in " + dir);
        assertEquals(-1, proxy.apiPort(), "no TCP gRPC API beside the socket");
        assertEquals(-1, proxy.httpPort(), "no TCP HTTP port beside the socket");

        ManagedChannel ch = NettyChannelBuilder.forAddress(new DomainSocketAddress(grpcSocket.toFile()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(clientLoop).usePlaintext().build();
        try {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "server");
            byte[] reply = ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(ch,
                    MetadataUtils.newAttachHeadersInterceptor(md)), ECHO,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, reply);
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        proxy.close();
        proxy = null;
        assertFalse(Files.exists(grpcSocket), "the gRPC socket file is removed when the sidecar stops");
        assertFalse(Files.exists(httpSocket), "the HTTP socket file is removed when the sidecar stops");
    }

    @Test
    void aSocketFileLeftByADeadSidecarIsTakenOver() throws Exception {
        Path grpcSocket = dir.resolve("dapr-server-grpc.socket");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(grpcSocket)); // closing leaves the file, as SIGKILL does
        }
        assertTrue(Files.exists(grpcSocket));
        proxy = start(dir, 0);
        assertEquals(-1, proxy.apiPort());
        assertTrue(Files.exists(grpcSocket));
    }

    @Test
    void aSocketALiveProcessListensOnIsNotTaken() throws Exception {
        Path grpcSocket = dir.resolve("dapr-server-grpc.socket");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(grpcSocket));
            ProxyStartException e = assertThrows(ProxyStartException.class, () -> start(dir, 0));
            assertEquals("cannot listen on the Unix socket " + grpcSocket
                    + " (--unix-domain-socket): another process listens on it", e.getMessage());
        }
    }

    @Test
    void aPathTooLongForASocketIsAClearError() throws IOException {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(100)));
        ProxyStartException e = assertThrows(ProxyStartException.class, () -> start(deep, 0));
        assertTrue(e.getMessage().startsWith("--unix-domain-socket: the socket path " + deep), e.getMessage());
        assertTrue(e.getMessage().endsWith("Linux allows at most 107: use a shorter directory"), e.getMessage());
    }

    private static Proxy start(Path socketDir, int appPort) throws ProxyStartException {
        return Proxy.builder(ProxyConfig.builder("server").app("127.0.0.1", appPort).workers(1)
                        .unixSocketDir(socketDir).build(),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
    }
}
