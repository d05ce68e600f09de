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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same calls through two daprd sidecars (v1.18.1) and through two h2splice sidecars, plaintext, the Go probe
 * server as the app in each mesh: the request metadata the app sees ({@code /h2splice.probe.Probe/Headers}), the
 * statuses and messages clients get, and the metrics the sidecars record are the same but for what README's "Where
 * h2splice differs from Dapr" lists; this test fails when anything else differs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DaprdDifferencesProcessTest extends ProcessTest {

    private static final MethodDescriptor<byte[], byte[]> HEADERS = TestService.method(
            "h2splice.probe.Probe/Headers", MethodDescriptor.MethodType.UNARY);

    /** The headers README's differences table lists for what the app sees. */
    static final Set<String> DIFFERENT = Set.of(":authority", "content-type", "user-agent", "grpc-accept-encoding",
            "traceparent", "grpc-trace-bin", "dapr-caller-namespace");

    /**
     * The two meshes, each a client sidecar (no app) and a server sidecar in front of the Go probe server: daprd A →
     * daprd B, and h2splice A → h2splice B, plaintext.
     */
    private record Meshes(int daprdApi, int daprdApp, int daprdMetricsA, int daprdMetricsB, int h2Api,
                          int h2MetricsA, int h2MetricsB) {
    }

    private Meshes start() throws Exception {
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
        var daprdB = Daprd.start(processes, dir, "server", daprApp, Processes.freePort(), config, null,
                home.resolve("daprd-b.log"));
        int daprdApi = Processes.freePort();
        var daprdA = Daprd.start(processes, dir, "client", 0, daprdApi, config, null, home.resolve("daprd-a.log"));

        String h2App = Integer.toString(Processes.freePort());
        Path serverLog = home.resolve("h2splice-b.log");
        Path clientLog = home.resolve("h2splice-a.log");
        int metricsB = Processes.freePort();
        int metricsA = Processes.freePort();
        Process b = processes.h2splice(serverLog, "run", "--app-id", "server", "--app-port", h2App,
                "--metrics-port", Integer.toString(metricsB), "--enable-mtls=false", "--", goServer.toString(),
                "--port", h2App);
        Process a = processes.h2splice(clientLog, "run", "--app-id", "client", "--metrics-port",
                Integer.toString(metricsA), "--enable-mtls=false");
        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, "server", b, serverLog, 60);
        int h2Api = Processes.awaitRegistered(registry, "client", a, clientLog, 60).grpcPort();
        return new Meshes(daprdApi, daprApp, daprdA.metricsPort(), daprdB.metricsPort(), h2Api, metricsA, metricsB);
    }

    @Test
    void theAppSeesTheSameHeadersButTheListedOnes() throws Exception {
        Meshes m = start();
        int daprdApi = m.daprdApi();
        int daprApp = m.daprdApp();
        int h2Api = m.h2Api();
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

    /**
     * The same calls, failing and not, through both meshes: every status and message is daprd's but for the two rows
     * README's differences table lists (unknown app id, missing {@code dapr-app-id}); and the client sidecar's
     * service-invocation and API-port metrics are daprd's, series for series and count for count, but for what those
     * two rows make differ. On the callee's sidecar daprd records nothing for proxied calls; h2splice does.
     */
    @Test
    void errorsAndMetricsAreDaprdsButTheListedOnes() throws Exception {
        Meshes m = start();
        Map<String, String> viaDaprd = new TreeMap<>();
        Map<String, String> viaH2splice = new TreeMap<>();
        for (String[] c : CALLS) {
            viaDaprd.put(c[0], outcome(m.daprdApi(), c[1], c[2]));
            viaH2splice.put(c[0], outcome(m.h2Api(), c[1], c[2]));
        }
        Map<String, String> expected = new TreeMap<>(viaDaprd);
        assertEquals("UNKNOWN 'no host found with the given ID'", viaDaprd.get("unknown app"));
        expected.put("unknown app", "UNAVAILABLE 'couldn't find service: no-such-app'");
        assertEquals("UNKNOWN '" + MISSING_APP_ID + "'", viaDaprd.get("no dapr-app-id"));
        expected.put("no dapr-app-id", "INVALID_ARGUMENT '" + MISSING_APP_ID + "'");
        assertEquals(expected, viaH2splice, "through daprd: " + viaDaprd);
        assertEquals("FAILED_PRECONDITION 'the probe failed on purpose: \u263a'", viaH2splice.get("app error"));

        Map<String, Double> daprdA = samples(Processes.metricsPage(m.daprdMetricsA()));
        Map<String, Double> h2A = samples(Processes.metricsPage(m.h2MetricsA()));
        Map<String, Double> expectedA = new TreeMap<>(daprdA);
        String echo = "{app_id=client,grpc_server_method=/h2splice.probe.Probe/Echo,grpc_server_status=";
        for (String family : List.of("dapr_grpc_io_server_completed_rpcs", "dapr_grpc_io_server_server_latency_count")) {
            // the unknown app id: its status; the call without dapr-app-id: daprd does not count it, h2splice does
            assertEquals(1.0, expectedA.remove(family + echo + "Unknown}"), () -> family + " in " + daprdA);
            expectedA.put(family + echo + "Unavailable}", 1.0);
            expectedA.put(family + echo + "InvalidArgument}", 1.0);
        }
        assertEquals(expectedA, h2A, "client sidecar, daprd's: " + daprdA);
        assertEquals(4.0, h2A.get("dapr_runtime_service_invocation_req_sent_total{app_id=client,dst_app_id=server,"
                + "type=unary}"), h2A.toString());

        assertEquals(Map.of(), samples(Processes.metricsPage(m.daprdMetricsB())),
                "daprd records nothing on the callee's side");
        Map<String, Double> h2B = samples(Processes.metricsPage(m.h2MetricsB()));
        assertEquals(4.0, h2B.get("dapr_runtime_service_invocation_req_recv_total{app_id=server,src_app_id=client}"),
                h2B.toString());
        assertEquals(Map.of("0", 1.0, "9", 1.0, "12", 2.0), statuses(h2B,
                "dapr_runtime_service_invocation_res_sent_total{app_id=server,dst_app_id=client,status="));
    }

    private static final String MISSING_APP_ID = "cannot proxy request: missing dapr-callee-app-id or dapr-app-id "
            + "metadata";
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{(.*)\\} (\\S+)$");

    /**
     * The non-zero samples of the service-invocation and API-port families, keyed
     * {@code family{label=value,...}} with the labels sorted; histogram sums and buckets left out (timings).
     */
    private static Map<String, Double> samples(String page) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : page.split("\n")) {
            Matcher mt = SAMPLE.matcher(line);
            if (!mt.matches() || !(mt.group(1).startsWith("dapr_runtime_service_invocation_")
                    || mt.group(1).startsWith("dapr_grpc_io_server_")) || mt.group(1).endsWith("_sum")
                    || mt.group(1).endsWith("_bucket") || Double.parseDouble(mt.group(3)) == 0) {
                continue;
            }
            TreeMap<String, String> labels = new TreeMap<>();
            for (String pair : mt.group(2).split(",(?=[a-z_]+=\")")) {
                int eq = pair.indexOf('=');
                labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
            }
            StringBuilder key = new StringBuilder(mt.group(1)).append('{');
            labels.forEach((k, v) -> key.append(k).append('=').append(v).append(','));
            key.setLength(key.length() - 1);
            out.put(key.append('}').toString(), Double.parseDouble(mt.group(3)));
        }
        return out;
    }

    /** The samples whose key starts with {@code prefix}, by what follows it up to the closing brace. */
    private static Map<String, Double> statuses(Map<String, Double> samples, String prefix) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length(), k.length() - 1), v);
            }
        });
        return out;
    }

    private static final String[][] CALLS = {
        {"unknown app", "no-such-app", "h2splice.probe.Probe/Echo"},
        {"no dapr-app-id", null, "h2splice.probe.Probe/Echo"},
        {"app error", "server", "h2splice.probe.Probe/Fail"},
        {"unknown method", "server", "h2splice.probe.Probe/Nope"},
        {"unknown service", "server", "no.Such/Method"},
        {"ok", "server", "h2splice.probe.Probe/Echo"},
    };

    private static String outcome(int port, String appId, String method) throws InterruptedException {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Metadata md = new Metadata();
            if (appId != null) {
                md.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), appId);
            }
            ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md)),
                    TestService.method(method, MethodDescriptor.MethodType.UNARY),
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "x".getBytes(StandardCharsets.UTF_8));
            return "OK";
        } catch (io.grpc.StatusRuntimeException e) {
            return e.getStatus().getCode() + " '" + e.getStatus().getDescription() + "'";
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
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
