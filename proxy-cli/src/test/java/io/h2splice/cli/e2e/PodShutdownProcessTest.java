package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import io.h2splice.core.resolve.LocalRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code h2splice run} as Kubernetes runs it: {@code --mode kubernetes}, without an app command (the app is another
 * container, here a grpc-java server in the test JVM), with {@code --dapr-public-port}. On SIGTERM readiness turns 500 at once on the HTTP and
 * public ports while the sidecar keeps serving, new connections and calls included, for
 * {@code --dapr-graceful-shutdown-seconds}; a call running at SIGTERM finishes; then it drains and exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PodShutdownProcessTest extends ProcessTest {

    private static final int GRACE_SECONDS = 5;
    private static final long LONG_CALL_MS = 3000;

    /** Unary: the request is a number of milliseconds to wait before answering {@code waited <ms>}. */
    private static final MethodDescriptor<byte[], byte[]> WAIT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("h2splice.test.Slow/Wait")
            .setRequestMarshaller(EchoServer.BYTES)
            .setResponseMarshaller(EchoServer.BYTES)
            .build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Server app;

    @AfterEach
    void stopApp() throws InterruptedException {
        if (app != null) {
            app.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermTurnsNotReadyKeepsServingForTheGraceThenExits0() throws Exception {
        app = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("h2splice.test.Slow")
                        .addMethod(WAIT, ServerCalls.asyncUnaryCall((req, reply) -> {
                            String ms = new String(req, StandardCharsets.UTF_8);
                            try {
                                Thread.sleep(Long.parseLong(ms));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            reply.onNext(("waited " + ms).getBytes(StandardCharsets.UTF_8));
                            reply.onCompleted();
                        })).build())
                .build().start();
        int grpcPort = Processes.freePort();
        int httpPort = Processes.freePort();
        int publicPort = Processes.freePort();
        Path log = home.resolve("pod.log");
        // Free ports instead of Kubernetes mode's fixed 50001/50002/3500/9090, so tests can run side by side.
        Process sidecar = processes.h2splice(log, "run", "--mode", "kubernetes", "--app-id", "pod", "--app-port",
                Integer.toString(app.getPort()), "--dapr-grpc-port", Integer.toString(grpcPort),
                "--dapr-internal-grpc-port", Integer.toString(Processes.freePort()), "--metrics-port",
                Integer.toString(Processes.freePort()), "--dapr-http-port", Integer.toString(httpPort),
                "--dapr-public-port", Integer.toString(publicPort), "--dapr-graceful-shutdown-seconds",
                Integer.toString(GRACE_SECONDS), "--dapr-listen-addresses", "127.0.0.1", "--enable-mtls=false",
                "--workers", "1");
        awaitReady(publicPort, sidecar, log); // the kubelet's readiness probe
        assertEquals(List.of(), new LocalRegistry(home).list(), "kubernetes mode leaves the local registry alone");

        ManagedChannel before = channel(grpcPort);
        ManagedChannel after = null;
        try {
            CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> call(before, LONG_CALL_MS));
            Thread.sleep(300); // the call is at the app
            long sigterm = System.nanoTime();
            sidecar.destroy(); // SIGTERM, as the kubelet sends

            for (int port : new int[] {httpPort, publicPort}) {
                HttpResponse<String> h = awaitNotReady(port);
                assertEquals(500, h.statusCode(), () -> Processes.logs(log));
                assertTrue(h.body().contains("\"errorCode\":\"ERR_HEALTH_NOT_READY\""), h.body());
            }
            assertTrue(System.nanoTime() - sigterm < TimeUnit.SECONDS.toNanos(2), "not ready at once");

            after = channel(grpcPort); // a new connection, opened after SIGTERM
            assertEquals("waited 100", call(after, 100), () -> Processes.logs(log));
            assertEquals("waited " + LONG_CALL_MS, running.get(20, TimeUnit.SECONDS),
                    "the call running at SIGTERM finishes");
            long sinceSigterm = System.nanoTime() - sigterm;
            assertTrue(sinceSigterm < TimeUnit.SECONDS.toNanos(GRACE_SECONDS), "the test ran within the grace");
            assertTrue(sidecar.isAlive(), () -> "still serving within the grace\n" + Processes.logs(log));
            assertEquals("waited 50", call(after, 50), "the open connection still takes calls");

            assertTrue(sidecar.waitFor(3L * GRACE_SECONDS + 10, TimeUnit.SECONDS), () -> Processes.logs(log));
            assertEquals(0, sidecar.exitValue(), () -> Processes.logs(log));
            assertTrue(System.nanoTime() - sigterm >= TimeUnit.SECONDS.toNanos(GRACE_SECONDS),
                    "exits only once the grace is over");
            String out = Files.readString(log);
            assertTrue(out.contains("received SIGTERM: stopping"), out);
            assertTrue(out.contains("sidecar pod not ready; serving for " + GRACE_SECONDS * 1000
                    + " ms more, then draining"), out);
            assertTrue(out.contains("h2splice stopped"), out);
        } finally {
            before.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            if (after != null) {
                after.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private HttpResponse<String> healthz(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1.0/healthz"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** healthz on {@code port} until 204; fails at once, with the sidecar's output, if the process exits. */
    private void awaitReady(int port, Process sidecar, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (healthz(port).statusCode() == 204) {
                    return;
                }
            } catch (java.io.IOException notYetListening) {
                // the sidecar is starting
            }
            if (sidecar.waitFor(100, TimeUnit.MILLISECONDS)) {
                fail("the sidecar exited with code " + sidecar.exitValue() + "\n" + Processes.logs(log));
            }
        }
        fail("not ready within 60 s\n" + Processes.logs(log));
    }

    /** healthz until it is not 204: the signal handler runs on its own thread, a moment after the signal. */
    private HttpResponse<String> awaitNotReady(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        HttpResponse<String> h = healthz(port);
        while (h.statusCode() == 204 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            h = healthz(port);
        }
        return h;
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static String call(ManagedChannel channel, long ms) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "pod");
        byte[] reply = ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
                        MetadataUtils.newAttachHeadersInterceptor(md)), WAIT,
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                Long.toString(ms).getBytes(StandardCharsets.UTF_8));
        return new String(reply, StandardCharsets.UTF_8);
    }
}
