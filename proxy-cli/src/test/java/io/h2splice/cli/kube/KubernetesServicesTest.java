package io.h2splice.cli.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code <app-id>-dapr} Service through the Kubernetes API, against fabric8's mock API server in CRUD mode:
 * created for a patched pod, updated when the annotations change its ports, and a dead API server never holding
 * up admission. No real API server is ever called.
 */
@Timeout(60)
class KubernetesServicesTest {

    private static final InjectorSettings SETTINGS = InjectorSettings.of("registry.test/h2splice:test", true);

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void startMockApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stopMockApiServer() {
        client.close();
        server.destroy();
    }

    private static ObjectNode serviceFor(ObjectNode review) {
        AdmissionReviewer reviewer = new AdmissionReviewer(new PodPatcher(SETTINGS), SETTINGS.mtls());
        AdmissionReviewer.Answer a = reviewer.answer(review);
        assertNotNull(a.service(), "a patched pod gives a Service");
        return a.service();
    }

    @Test
    void createdThenUpdated() throws Exception {
        KubernetesServices services = new KubernetesServices(client);
        ObjectNode review = Fixtures.review("review-seed-pod-env.json"); // namespace production
        assertNotNull(services.apply(serviceFor(review)));

        Service svc = client.services().inNamespace("production").withName("server-dapr").get();
        assertNotNull(svc);
        assertEquals("None", svc.getSpec().getClusterIP());
        assertEquals(Map.of("dapr.io/app-id", "server"), svc.getSpec().getSelector());
        assertEquals(Map.of("dapr-http", "80>3500/http", "dapr-grpc", "50001>50001/grpc",
                "dapr-internal", "50002>50002/tls", "dapr-metrics", "9090>9090/http"), ports(svc));
        assertEquals("true", svc.getMetadata().getLabels().get("dapr.io/enabled"));
        assertEquals("h2splice", svc.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertEquals("9090", svc.getMetadata().getAnnotations().get("prometheus.io/port"));
        assertNull(svc.getMetadata().getOwnerReferences() == null || svc.getMetadata().getOwnerReferences().isEmpty()
                ? null : svc.getMetadata().getOwnerReferences(), "no owner");

        // someone else's label survives the update
        svc.getMetadata().getLabels().put("team", "payments");
        client.services().inNamespace("production").resource(svc).update();

        ObjectNode changed = Fixtures.review("review-seed-pod-env.json");
        ObjectNode annotations = (ObjectNode) changed.path("request").path("object").path("metadata")
                .path("annotations");
        annotations.put("dapr.io/grpc-port", "50011");
        annotations.put("dapr.io/internal-grpc-port", "50012");
        annotations.put("dapr.io/metrics-port", "9091");
        assertNotNull(services.apply(serviceFor(changed)));

        Service updated = client.services().inNamespace("production").withName("server-dapr").get();
        assertEquals(Map.of("dapr-http", "80>3500/http", "dapr-grpc", "50011>50011/grpc",
                "dapr-internal", "50012>50012/tls", "dapr-metrics", "9091>9091/http"), ports(updated));
        assertEquals("payments", updated.getMetadata().getLabels().get("team"));
        assertEquals("9091", updated.getMetadata().getAnnotations().get("prometheus.io/port"));
        assertEquals(1, client.services().inNamespace("production").list().getItems().size());

        assertNull(services.apply(serviceFor(changed)), "the same Service again within a minute: no API call");
    }

    @Test
    void webhookCreatesTheServiceOfAPatchedPod(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.create(dir, "webhook");
        KubernetesServices services = new KubernetesServices(client);
        AdmissionReviewer reviewer = new AdmissionReviewer(new PodPatcher(SETTINGS), SETTINGS.mtls());
        try (InjectorServer injector = InjectorServer.start(new InetSocketAddress("127.0.0.1", 0),
                new ReloadingKeyManager(cert.certFile(), cert.keyFile()), new MutateHandler(reviewer, services))) {
            HttpClient http = HttpClient.newBuilder().sslContext(cert.trustingClient()).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + injector.port() + "/mutate"))
                    .POST(HttpRequest.BodyPublishers.ofString(Fixtures.text("review-seed-pod.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            JsonNode answer = Json.MAPPER.readTree(r.body());
            assertEquals("JSONPatch", answer.path("response").path("patchType").asText());
            Service svc = await(() -> client.services().inNamespace("default").withName("server-dapr").get());
            assertEquals(Map.of("dapr.io/app-id", "server"), svc.getSpec().getSelector());
        }
    }

    @Test
    void anUnreachableApiServerNeverBlocksAdmission() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        KubernetesClient dead = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closedPort).withRequestTimeout(2000).withConnectionTimeout(2000)
                .withRequestRetryBackoffLimit(0).build()).build();
        try (KubernetesServices services = new KubernetesServices(dead)) {
            long start = System.nanoTime();
            services.submit(serviceFor(Fixtures.review("review-seed-pod.json")));
            assertTrue(System.nanoTime() - start < Duration.ofMillis(500).toNanos(), "submit returns at once");
        }
    }

    private static Map<String, String> ports(Service svc) {
        return svc.getSpec().getPorts().stream().collect(Collectors.toMap(ServicePort::getName,
                p -> p.getPort() + ">" + p.getTargetPort().getIntVal() + "/" + p.getAppProtocol()));
    }

    private static <T> T await(java.util.function.Supplier<T> get) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            T t = get.get();
            if (t != null) {
                return t;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not there after 10 s");
    }

}
