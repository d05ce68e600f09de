package io.h2splice.cli.e2e;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same call through two daprd sidecars (v1.18.1) and through two h2splice sidecars, plaintext, the Go probe server
 * as the app in each mesh: the request metadata the app sees ({@code /h2splice.probe.Probe/Headers}) is the same but
 * for the headers README's "Where h2splice differs from Dapr" lists, and this test fails when another one differs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DaprdDifferencesProcessTest extends ProcessTest {

    private static final MethodDescriptor<byte[], byte[]> HEADERS = TestService.method(
            "h2splice.probe.Probe/Headers", MethodDescriptor.MethodType.UNARY);

    /** The headers README's differences table lists for what the app sees. */
    static final Set<String> DIFFERENT = Set.of(":authority", "content-type", "user-agent", "grpc-accept-encoding",
            "traceparent", "grpc-trace-bin", "dapr-caller-namespace");

    @Test
    void theAppSeesTheSameHeadersButTheListedOnes() throws Exception {
        Path daprd = Daprd.binary();
        Path goServer = Tools.find("lang/go-server/probe-server");
        Tools.assumeBuilt(daprd == null ? null : goServer,
                "daprd (proxy-bench/dapr/build.sh) and the Go probe server (proxy-cli/src/test/lang/build.sh)",
                Daprd.REQUIRED_ENV);
        Path dir = Files.createDirectories(home.resolve("dapr"));
        Path config = Daprd.sqliteConfig(dir.resolve("config.yaml"), dir.resolve("names.db"));

        int daprApp = Processes.freePort();
        processes.start(Map.of(), home.resolve("dapr-app.log"), List.of(goServer.toString(), "--port",
                Integer.toString(daprApp)));
        Daprd.start(processes, dir, "server", daprApp, Processes.freePort(), config, null, home.resolve("daprd-b.log"));
        int daprdApi = Processes.freePort();
        Daprd.start(processes, dir, "client", 0, daprdApi, config, null, home.resolve("daprd-a.log"));

        String h2App = Integer.toString(Processes.freePort());
        Path serverLog = home.resolve("h2splice-b.log");
        Path clientLog = home.resolve("h2splice-a.log");
        Process b = processes.h2splice(serverLog, "run", "--app-id", "server", "--app-port", h2App,
                "--enable-mtls=false", "--", goServer.toString(), "--port", h2App);
        Process a = processes.h2splice(clientLog, "run", "--app-id", "client", "--enable-mtls=false");
        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, "server", b, serverLog, 60);
        int h2Api = Processes.awaitRegistered(registry, "client", a, clientLog, 60).grpcPort();

        Map<String, List<String>> viaDaprd = headersSeen(daprdApi);
        Map<String, List<String>> viaH2splice = headersSeen(h2Api);
        TreeSet<String> differing = new TreeSet<>();
        for (String key : union(viaDaprd.keySet(), viaH2splice.keySet())) {
            if (!viaDaprd.getOrDefault(key, List.of()).equals(viaH2splice.getOrDefault(key, List.of()))) {
                differing.add(key);
            }
        }
        assertEquals(new TreeSet<>(DIFFERENT), differing, () -> "through daprd: " + viaDaprd + "\nthrough h2splice: "
                + viaH2splice);
        // what each difference is, as the README says
        assertEquals(List.of("127.0.0.1:" + daprApp), viaDaprd.get(":authority"), "daprd: the app's address");
        assertEquals(List.of("127.0.0.1:" + h2Api), viaH2splice.get(":authority"), "h2splice: the client's");
        assertEquals(List.of("application/grpc+proto"), viaDaprd.get("content-type"));
        assertEquals(List.of("application/grpc"), viaH2splice.get("content-type"), "as the client sent it");
        assertTrue(viaDaprd.get("user-agent").get(0).startsWith("grpc-go/"), viaDaprd.toString());
        assertTrue(viaH2splice.get("user-agent").get(0).startsWith("grpc-java-netty/"), viaH2splice.toString());
        assertTrue(viaDaprd.containsKey("traceparent") && !viaH2splice.containsKey("traceparent"),
                "daprd adds an unsampled traceparent when nothing traces; h2splice adds none");
        assertEquals(List.of("default"), viaH2splice.get("dapr-caller-namespace"));
        assertEquals(List.of("v1"), viaDaprd.get("x-custom"), "the client's own metadata reaches the app through both");
    }

    /** Calls Headers through the client sidecar on {@code port} with {@code dapr-app-id: server}. */
    private static Map<String, List<String>> headersSeen(int port) throws InterruptedException {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "server");
            md.put(Metadata.Key.of("x-custom", Metadata.ASCII_STRING_MARSHALLER), "v1");
            md.put(Metadata.Key.of("x-b-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {0, 1, 2});
            byte[] reply = ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(ch,
                            MetadataUtils.newAttachHeadersInterceptor(md)), HEADERS,
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), new byte[0]);
            Map<String, List<String>> seen = new TreeMap<>();
            for (String line : new String(reply, StandardCharsets.UTF_8).split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    seen.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
                }
            }
            return seen;
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        TreeSet<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
