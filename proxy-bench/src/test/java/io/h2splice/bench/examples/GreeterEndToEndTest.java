package io.h2splice.bench.examples;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GreeterServer and GreeterClient over a real grpc-netty connection on 127.0.0.1. */
class GreeterEndToEndTest {

    private final List<Server> servers = new ArrayList<>();
    private final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
    private final ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream clientErr = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws InterruptedException {
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private int client(Duration retryFor, String... args) {
        return GreeterClient.run(GreeterClient.Options.parse(args, Map.of()), print(clientOut), print(clientErr), retryFor);
    }

    @Test
    void clientGreetsServerAndSendsDaprAppId() throws IOException {
        List<String> appIds = new CopyOnWriteArrayList<>();
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                appIds.add(headers.get(GreeterClient.DAPR_APP_ID));
                return next.startCall(call, headers);
            }
        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(GreeterServer.service(print(serverLog)), capture))
                .build().start();
        servers.add(server);

        int code = client(Duration.ofSeconds(5), "--addr", "127.0.0.1:" + server.getPort(), "--name=Darth Tyrannus");
        assertEquals(0, code, text(clientErr));
        assertEquals("Greeting: Hello Darth Tyrannus\n", text(clientOut).replace("\r\n", "\n"));
        assertTrue(text(serverLog).contains("Received: Darth Tyrannus"), text(serverLog));
        assertEquals(List.of("server"), appIds);

        assertEquals(0, client(Duration.ZERO, "--addr=127.0.0.1:" + server.getPort(), "other-app", "Zoë"));
        assertEquals("other-app", appIds.get(1));
        assertTrue(text(clientOut).contains("Greeting: Hello Zoë"));
    }

    @Test
    void serverStartsAndLogs() throws IOException {
        Server server = GreeterServer.start("127.0.0.1", 0, print(serverLog));
        servers.add(server);
        assertTrue(text(serverLog).startsWith("server listening at 127.0.0.1:" + server.getPort()), text(serverLog));
        assertEquals(0, client(Duration.ZERO, "--addr", "127.0.0.1:" + server.getPort()));
        assertTrue(text(serverLog).contains("Received: world\n"), text(serverLog));
    }

    @Test
    void nonRetryableErrorExitsOneAtOnce() throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(Greeter.service(request -> {
                    throw Status.INVALID_ARGUMENT.withDescription("invalid app id a.b.c").asRuntimeException();
                }))
                .build().start();
        servers.add(server);
        long start = System.nanoTime();
        assertEquals(1, client(Duration.ofSeconds(5), "--addr", "127.0.0.1:" + server.getPort(), "a.b.c"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "INVALID_ARGUMENT is not retried");
        assertEquals("could not greet: INVALID_ARGUMENT: invalid app id a.b.c", text(clientErr).trim());
    }

    @Test
    void unavailableIsRetriedUntilTheServerComesUp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(
                () -> client(Duration.ofSeconds(5), "--addr", "127.0.0.1:" + port));
        Thread.sleep(600);
        assertTrue(!code.isDone(), () -> "should still be retrying, but exited " + code.join() + ": " + text(clientErr));
        servers.add(GreeterServer.start("127.0.0.1", port, print(serverLog)));
        assertEquals(0, code.get(10, TimeUnit.SECONDS), text(clientErr));
        assertTrue(text(clientOut).contains("Greeting: Hello world"));
    }

    @Test
    void unavailableGivesUpAfterTheRetryWindow() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        long start = System.nanoTime();
        assertEquals(1, client(Duration.ofMillis(300), "--addr", "127.0.0.1:" + port));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
        assertTrue(text(clientErr).startsWith("could not greet: UNAVAILABLE"), text(clientErr));
    }

    @Test
    void optionsDefaultsAndEnvironment() {
        GreeterClient.Options o = GreeterClient.Options.parse(new String[0], Map.of());
        assertEquals(new GreeterClient.Options("127.0.0.1:50001", "server", "world"), o);
        o = GreeterClient.Options.parse(new String[] {"target"}, Map.of("DAPR_GRPC_PORT", "50007"));
        assertEquals(new GreeterClient.Options("127.0.0.1:50007", "target", "world"), o);
        o = GreeterClient.Options.parse(new String[] {"-a", "x", "--name", "n", "--addr=h:1"}, Map.of());
        assertEquals(new GreeterClient.Options("h:1", "x", "n"), o);
        assertThrows(IllegalArgumentException.class,
                () -> GreeterClient.Options.parse(new String[] {"--bogus", "1"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> GreeterClient.Options.parse(new String[] {"a", "b", "c"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> GreeterClient.Options.parse(new String[] {"--name"}, Map.of()));
    }

    @Test
    void serverPortFromArgsThenEnvThenDefault() {
        assertEquals(6000, GreeterServer.port(new String[] {"6000"}, Map.of("APP_PORT", "7000")));
        assertEquals(7000, GreeterServer.port(new String[0], Map.of("APP_PORT", "7000")));
        assertEquals(50051, GreeterServer.port(new String[0], Map.of()));
        assertThrows(IllegalArgumentException.class, () -> GreeterServer.port(new String[] {"http"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> GreeterServer.port(new String[] {"70000"}, Map.of()));
    }
}
