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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime as a user meets it: readiness, the HTTP and metrics ports, and a drain that lets calls finish. */
@Timeout(60)
class ProxyRuntimeTest {

    static final MethodDescriptor<byte[], byte[]> SLOW = TestService.method("rt.Svc/Slow",
            MethodDescriptor.MethodType.UNARY);

    private final HttpClient http = HttpClient.newHttpClient();
    private Server app;
    private Proxy proxy;

    @AfterEach
    void tearDown() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (app != null) {
            app.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private Server startApp(int port) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(ServerServiceDefinition.builder("rt.Svc")
                        .addMethod(SLOW, ServerCalls.asyncUnaryCall((req, obs) -> {
                            try {
                                Thread.sleep(400);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            obs.onNext(req);
                            obs.onCompleted();
                        })).build())
                .build().start();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthzTurns204OnceTheAppListensAndMetricsCountCalls() throws Exception {
        int appPort = freePort();
        proxy = Proxy.builder(ProxyConfig.loopback("server", appPort).withWorkers(1),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
        HttpResponse<String> before = get(proxy.httpPort(), "/v1.0/healthz");
        assertEquals(500, before.statusCode());
        assertTrue(before.body().contains("ERR_HEALTH_NOT_READY"), before.body());

        app = startApp(appPort);
        proxy.whenReady().get(10, TimeUnit.SECONDS);
        assertEquals(204, get(proxy.httpPort(), "/v1.0/healthz").statusCode());
        HttpResponse<String> metadata = get(proxy.httpPort(), "/v1.0/metadata");
        assertTrue(metadata.body().contains("\"id\":\"server\""), metadata.body());

        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", proxy.apiPort()).usePlaintext().build();
        try {
            assertArrayEquals(new byte[] {7}, call(ch, "server", new byte[] {7}));
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        String page = get(proxy.metricsPort(), "/metrics").body();
        assertTrue(page.contains("h2splice_calls_total{grpc_status=\"OK\"} 1"), page);
    }

    @Test
    void drainLetsARunningCallFinishAndStopsAccepting() throws Exception {
        app = startApp(0);
        proxy = Proxy.builder(ProxyConfig.loopback("server", app.getPort()).withWorkers(1),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
        proxy.whenReady().get(10, TimeUnit.SECONDS);
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", proxy.apiPort()).usePlaintext().build();
        try {
            CompletableFuture<byte[]> running = CompletableFuture.supplyAsync(() -> call(ch, "server", new byte[] {1}));
            Thread.sleep(150); // the call is at the app, which answers after 400 ms
            CompletableFuture<Void> drained = proxy.drain();
            assertArrayEquals(new byte[] {1}, running.get(10, TimeUnit.SECONDS), "the running call completes");
            drained.get(15, TimeUnit.SECONDS);
            assertFalse(proxy.isReady());
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxy.apiPort()), 1000);
                throw new AssertionError("the API port still accepts connections after the drain");
            } catch (java.net.ConnectException expected) {
                // stopped accepting
            }
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void thePublicPortServesOnlyHealthzOnEveryInterface() throws Exception {
        app = startApp(0);
        proxy = Proxy.builder(ProxyConfig.loopback("server", app.getPort()).withWorkers(1),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
        int pub = proxy.listenPublic(0);
        assertEquals(pub, proxy.publicPort());
        proxy.whenReady().get(10, TimeUnit.SECONDS);
        assertEquals(204, get(pub, "/v1.0/healthz").statusCode());
        HttpResponse<String> metadata = get(pub, "/v1.0/metadata");
        assertEquals(404, metadata.statusCode(), "metadata stays on the loopback HTTP port");
        assertTrue(metadata.body().contains("\"errorCode\":\"ERR_NOT_FOUND\""), metadata.body());
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pub + "/v1.0/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        // bound on every interface, not only loopback: reachable on this host's own non-loopback address if it has one
        java.net.InetAddress local = java.net.InetAddress.getLocalHost();
        if (!local.isLoopbackAddress()) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(local, pub), 2000);
            }
        }
    }

    @Test
    void drainAfterTurnsNotReadyAtOnceAndKeepsServingUntilTheDrain() throws Exception {
        app = startApp(0);
        proxy = Proxy.builder(ProxyConfig.loopback("server", app.getPort()).withWorkers(1),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
        int pub = proxy.listenPublic(0);
        proxy.whenReady().get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        CompletableFuture<Void> drained = proxy.drainAfter(java.time.Duration.ofMillis(1500));
        for (int port : new int[] {proxy.httpPort(), pub}) {
            HttpResponse<String> h = get(port, "/v1.0/healthz");
            assertEquals(500, h.statusCode());
            assertTrue(h.body().contains("dapr is not ready: [shutting down]"), h.body());
        }
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", proxy.apiPort()).usePlaintext().build();
        try {
            assertArrayEquals(new byte[] {2}, call(ch, "server", new byte[] {2}), "a new connection and call are served");
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertFalse(drained.isDone());
        drained.get(15, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1500), "served for the whole period");
        assertTrue(proxy.drainAfter(java.time.Duration.ofHours(1)).isDone(), "idempotent once drained");
    }

    @Test
    void drainDuringTheServingPeriodStartsAtOnce() throws Exception {
        proxy = Proxy.builder(ProxyConfig.loopback("alone", 0).withWorkers(1),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
        proxy.whenReady().get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> late = proxy.drainAfter(java.time.Duration.ofMinutes(10));
        assertFalse(proxy.isReady());
        proxy.drain().get(15, TimeUnit.SECONDS);
        assertTrue(late.isDone(), "the same future");
    }

    private static byte[] call(ManagedChannel ch, String appId, byte[] req) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), appId);
        return ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(ch,
                MetadataUtils.newAttachHeadersInterceptor(md)), SLOW,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), req);
    }
}
