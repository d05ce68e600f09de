package io.h2splice.cli.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdmissionReview fixtures of the shapes the API server sends, POSTed to a real {@code h2splice injector} over HTTPS;
 * each answer's JSONPatch is applied to the review's pod with an RFC 6902 library and the resulting pod checked.
 */
@Timeout(60)
class InjectorWebhookTest {

    @TempDir
    static Path dir;
    static RunningInjector injector;

    @BeforeAll
    static void start() throws Exception {
        injector = RunningInjector.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        injector.close();
        assertEquals(0, injector.exitCode(), injector.output());
    }

    @Test
    void seedPodGetsTheSidecar() throws Exception {
        ObjectNode review = Fixtures.review("review-seed-pod.json");
        JsonNode answer = injector.review(review);
        JsonNode response = answer.path("response");
        assertEquals("admission.k8s.io/v1", answer.path("apiVersion").asText());
        assertEquals("AdmissionReview", answer.path("kind").asText());
        assertEquals("7b1c4ad6-3f0e-4f53-9a2f-0c6d2a1f5e01", response.path("uid").asText());
        assertTrue(response.path("allowed").asBoolean());
        assertEquals("JSONPatch", response.path("patchType").asText());
        assertTrue(response.path("warnings").isMissingNode());

        List<String> paths = new ArrayList<>();
        Fixtures.patch(answer).forEach(op -> paths.add(op.path("op").asText() + " " + op.path("path").asText()));
        assertEquals(List.of("add /metadata/labels/dapr.io~1sidecar-injected", "add /metadata/labels/dapr.io~1app-id",
                "add /metadata/labels/dapr.io~1metrics-enabled", "add /spec/volumes/-", "add /spec/volumes/-",
                "add /spec/containers/-", "add /spec/containers/0/env"), paths);

        JsonNode pod = Fixtures.patchedPod(review, answer);
        assertEquals(Map.of("app", "grpc-app", "pod-template-hash", "7d4b9c8f6", "dapr.io/sidecar-injected", "true",
                "dapr.io/app-id", "server", "dapr.io/metrics-enabled", "true"),
                Json.stringMap(pod.path("metadata").path("labels")));
        JsonNode containers = pod.path("spec").path("containers");
        assertEquals(2, containers.size());
        JsonNode app = containers.get(0);
        assertEquals("grpc-app", app.path("name").asText());
        assertEquals(Map.of("DAPR_HTTP_PORT", "3500", "DAPR_GRPC_PORT", "50001", "APP_PROTOCOL", "grpc"), env(app));

        JsonNode daprd = containers.get(1);
        assertEquals("daprd", daprd.path("name").asText());
        assertEquals("registry.test/h2splice:test", daprd.path("image").asText());
        assertTrue(daprd.path("command").isMissingNode(), "no command: the image's entrypoint takes /daprd");
        assertEquals(List.of("/daprd", "--mode", "kubernetes", "--app-id", "server", "--app-port", "50051",
                "--app-protocol", "grpc", "--dapr-http-port", "3500", "--dapr-grpc-port", "50001",
                "--dapr-internal-grpc-port", "50002", "--dapr-public-port", "3501", "--dapr-listen-addresses",
                "127.0.0.1", "--enable-metrics=true", "--metrics-port", "9090", "--log-level", "info",
                "--enable-mtls=true", "--cert-chain-file", "/var/run/secrets/h2splice/identity/tls.crt",
                "--cert-key-file", "/var/run/secrets/h2splice/identity/tls.key", "--trust-anchors-file",
                "/var/run/secrets/h2splice/identity/ca.crt"), strings(daprd.path("args")));
        Map<String, Integer> ports = new LinkedHashMap<>();
        daprd.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertEquals(Map.of("dapr-http", 3500, "dapr-grpc", 50001, "dapr-internal", 50002, "dapr-metrics", 9090),
                ports);

        JsonNode readiness = daprd.path("readinessProbe");
        assertEquals("/v1.0/healthz", readiness.path("httpGet").path("path").asText());
        assertEquals(3501, readiness.path("httpGet").path("port").asInt());
        assertEquals(List.of(1, 1, 1, 5), probeNumbers(readiness));
        JsonNode liveness = daprd.path("livenessProbe");
        assertEquals(3501, liveness.path("tcpSocket").path("port").asInt());
        assertEquals(List.of(180, 3, 10, 5), probeNumbers(liveness));

        JsonNode env = daprd.path("env");
        assertEquals("metadata.namespace", env.get(0).path("valueFrom").path("fieldRef").path("fieldPath").asText());
        assertEquals("NAMESPACE", env.get(0).path("name").asText());
        assertEquals("POD_NAME", env.get(1).path("name").asText());
        assertEquals("metadata.name", env.get(1).path("valueFrom").path("fieldRef").path("fieldPath").asText());
        assertFalse(env(daprd).containsKey("DAPR_API_TOKEN"));

        JsonNode sc = daprd.path("securityContext");
        assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
        assertTrue(sc.path("readOnlyRootFilesystem").asBoolean());
        assertTrue(sc.path("runAsNonRoot").asBoolean());
        assertEquals(List.of("ALL"), strings(sc.path("capabilities").path("drop")));
        assertEquals("RuntimeDefault", sc.path("seccompProfile").path("type").asText());
        assertTrue(daprd.path("restartPolicy").isMissingNode());

        JsonNode volumes = pod.path("spec").path("volumes");
        assertEquals(List.of("kube-api-access-5x2lq", "h2splice-tmp", "h2splice-identity"), names(volumes));
        JsonNode csi = volumes.get(2).path("csi");
        assertEquals("csi.cert-manager.io", csi.path("driver").asText());
        assertTrue(csi.path("readOnly").asBoolean());
        Map<String, String> attrs = Json.stringMap(csi.path("volumeAttributes"));
        assertEquals("spiffe://public/ns/${POD_NAMESPACE}/server", attrs.get("csi.cert-manager.io/uri-sans"),
                "h2splice's identity; the driver fills in the namespace");
        assertEquals("h2splice-ca", attrs.get("csi.cert-manager.io/issuer-name"));
        assertEquals("ClusterIssuer", attrs.get("csi.cert-manager.io/issuer-kind"));
        assertEquals("digital signature,key encipherment,server auth,client auth",
                attrs.get("csi.cert-manager.io/key-usages"));
        assertEquals("ca.crt", attrs.get("csi.cert-manager.io/ca-file"));
        assertEquals("65532", attrs.get("csi.cert-manager.io/fs-group"), "readable by the image's non-root group");
        JsonNode mounts = daprd.path("volumeMounts");
        assertEquals("/var/run/secrets/h2splice/identity", mounts.get(1).path("mountPath").asText());
        assertTrue(mounts.get(1).path("readOnly").asBoolean());
        assertEquals("/tmp", mounts.get(0).path("mountPath").asText());
    }

    @Test
    void existingEnvIsKeptAndOnlyMissingVarsAreAppended() throws Exception {
        ObjectNode review = Fixtures.review("review-seed-pod-env.json");
        JsonNode answer = injector.review(review);
        List<String> envOps = new ArrayList<>();
        Fixtures.patch(answer).forEach(op -> {
            if (op.path("path").asText().contains("/env")) {
                envOps.add(op.path("path").asText() + " " + op.path("value").path("name").asText());
            }
        });
        assertEquals(List.of("/spec/containers/0/env/- DAPR_HTTP_PORT", "/spec/containers/0/env/- APP_PROTOCOL"),
                envOps);
        JsonNode app = Fixtures.patchedPod(review, answer).path("spec").path("containers").get(0);
        assertEquals(List.of("DAPR_GRPC_PORT", "GREETING", "DAPR_HTTP_PORT", "APP_PROTOCOL"), names(app.path("env")));
        assertEquals("55555", env(app).get("DAPR_GRPC_PORT"), "a var the app defines is never overwritten");
    }

    @Test
    void nativeSidecarIsARestartableInitContainer() throws Exception {
        ObjectNode review = Fixtures.review("review-native-sidecar.json");
        JsonNode answer = injector.review(review);
        JsonNode patch = Fixtures.patch(answer);
        assertEquals("/metadata/labels", patch.get(0).path("path").asText(), "labels made first when the pod has none");
        JsonNode pod = Fixtures.patchedPod(review, answer);
        assertEquals(List.of("grpc-app"), names(pod.path("spec").path("containers")));
        JsonNode init = pod.path("spec").path("initContainers");
        assertEquals(List.of("daprd"), names(init));
        assertEquals("Always", init.get(0).path("restartPolicy").asText());
        assertEquals("server", pod.path("metadata").path("labels").path("dapr.io/app-id").asText());
        assertEquals("grpc", env(pod.path("spec").path("containers").get(0)).get("APP_PROTOCOL"));
    }

    /** As Dapr's injector: an in-memory volume, at /var/run/dapr-sockets in daprd and at the annotation's path in the app. */
    @Test
    void unixDomainSocketPathSharesTheApiSocketWithTheApp() throws Exception {
        ObjectNode review = Fixtures.review("review-unix-socket.json");
        JsonNode pod = Fixtures.patchedPod(review, injector.review(review));
        JsonNode volume = find(pod.path("spec").path("volumes"), "dapr-unix-domain-socket");
        assertEquals("Memory", volume.path("emptyDir").path("medium").asText());
        JsonNode daprd = pod.path("spec").path("containers").get(1);
        assertEquals("/var/run/dapr-sockets", find(daprd.path("volumeMounts"), "dapr-unix-domain-socket")
                .path("mountPath").asText());
        assertTrue(String.join(" ", strings(daprd.path("args"))).contains("--unix-domain-socket /var/run/dapr-sockets"));
        JsonNode app = pod.path("spec").path("containers").get(0);
        assertEquals(List.of("kube-api-access-5x2lq", "dapr-unix-domain-socket"), names(app.path("volumeMounts")));
        assertEquals("/tmp/dapr-sockets", find(app.path("volumeMounts"), "dapr-unix-domain-socket")
                .path("mountPath").asText());

        ObjectNode relative = Fixtures.review("review-unix-socket.json");
        ((ObjectNode) relative.path("request").path("object").path("metadata").path("annotations"))
                .put("dapr.io/unix-domain-socket-path", "sockets");
        JsonNode response = injector.review(relative).path("response");
        assertTrue(response.path("patch").isMissingNode(), "not patched: " + response);
        assertTrue(response.path("warnings").toString().contains("dapr.io/unix-domain-socket-path: 'sockets' must be "
                + "an absolute path"), response.toString());
    }

    @Test
    void tokensResourcesAndOtherAnnotations() throws Exception {
        ObjectNode review = Fixtures.review("review-tokens.json");
        JsonNode pod = Fixtures.patchedPod(review, injector.review(review));
        JsonNode daprd = pod.path("spec").path("containers").get(1);
        JsonNode env = daprd.path("env");
        JsonNode api = find(env, "DAPR_API_TOKEN").path("valueFrom").path("secretKeyRef");
        assertEquals("dapr-api-token", api.path("name").asText());
        assertEquals("token", api.path("key").asText());
        JsonNode appTok = find(env, "APP_API_TOKEN").path("valueFrom").path("secretKeyRef");
        assertEquals("app-api-token", appTok.path("name").asText());
        assertEquals("token", appTok.path("key").asText());
        Map<String, String> vars = env(daprd);
        assertEquals("2", vars.get("GOMAXPROCS"));
        assertEquals("bar=baz", vars.get("FOO"));
        assertEquals("GOMAXPROCS FOO", vars.get("DAPR_ENV_KEYS"));

        assertEquals("100m", daprd.path("resources").path("requests").path("cpu").asText());
        assertEquals("256Mi", daprd.path("resources").path("limits").path("memory").asText());
        assertTrue(daprd.path("resources").path("limits").path("cpu").isMissingNode());
        assertEquals(7, daprd.path("readinessProbe").path("periodSeconds").asInt());

        String args = String.join(" ", strings(daprd.path("args")));
        for (String want : List.of("--dapr-grpc-port 50011", "--log-level debug", "--log-as-json=true",
                "--enable-metrics=false", "--max-body-size 16Mi", "--dapr-graceful-shutdown-seconds 20",
                "--config /var/run/h2splice/config/config.yaml")) {
            assertTrue(args.contains(want), want + " in " + args);
        }
        assertFalse(args.contains("--metrics-port"), args);
        JsonNode config = pod.path("spec").path("volumes").get(3);
        assertEquals("h2splice-config", config.path("name").asText());
        assertEquals("appconfig", config.path("configMap").path("name").asText());
        assertEquals("false", pod.path("metadata").path("labels").path("dapr.io/metrics-enabled").asText());
        assertEquals("50011", env(pod.path("spec").path("containers").get(0)).get("DAPR_GRPC_PORT"));
    }

    @Test
    void badAnnotationsLeaveThePodUnpatchedWithWarnings() throws Exception {
        JsonNode response = injector.review(Fixtures.review("review-bad-annotations.json")).path("response");
        assertEquals("7b1c4ad6-3f0e-4f53-9a2f-0c6d2a1f5e05", response.path("uid").asText());
        assertTrue(response.path("allowed").asBoolean());
        assertTrue(response.path("patch").isMissingNode());
        List<String> warnings = strings(response.path("warnings"));
        assertEquals(4, warnings.size(), warnings.toString());
        String all = String.join("\n", warnings);
        for (String want : List.of("dapr.io/app-id: 'Server_1'", "dapr.io/app-port: 'fifty'",
                "dapr.io/internal-grpc-port: '70000'", "dapr.io/sidecar-cpu-limit: 'lots'")) {
            assertTrue(all.contains(want), want + " in " + all);
        }
    }

    @Test
    void notAPodIsAllowedWithAWarning() throws Exception {
        JsonNode response = injector.review(Fixtures.review("review-deployment.json")).path("response");
        assertEquals("7b1c4ad6-3f0e-4f53-9a2f-0c6d2a1f5e06", response.path("uid").asText());
        assertTrue(response.path("allowed").asBoolean());
        assertTrue(response.path("patch").isMissingNode());
        assertTrue(strings(response.path("warnings")).get(0).contains("not a Pod (apps/Deployment)"));
    }

    @Test
    void malformedReviewIsAllowedWithAWarning() throws Exception {
        JsonNode response = injector.review(Fixtures.review("review-malformed.json")).path("response");
        assertTrue(response.path("allowed").asBoolean());
        assertEquals("", response.path("uid").asText());
        assertTrue(strings(response.path("warnings")).get(0).contains("malformed AdmissionReview"));

        ObjectNode noObject = Fixtures.review("review-seed-pod.json");
        ((ObjectNode) noObject.path("request")).remove("object");
        response = injector.review(noObject).path("response");
        assertTrue(response.path("allowed").asBoolean());
        assertTrue(strings(response.path("warnings")).get(0).contains("no request.object"));
    }

    @Test
    void podsNotAnnotatedOrAlreadyInjectedAreLeftAlone() throws Exception {
        ObjectNode review = Fixtures.review("review-seed-pod.json");
        ObjectNode annotations = (ObjectNode) review.path("request").path("object").path("metadata")
                .path("annotations");
        annotations.put("dapr.io/enabled", "false");
        JsonNode response = injector.review(review).path("response");
        assertTrue(response.path("allowed").asBoolean());
        assertTrue(response.path("patch").isMissingNode());
        assertTrue(response.path("warnings").isMissingNode());

        annotations.put("dapr.io/enabled", "TRUE");
        JsonNode answer = injector.review(review);
        assertEquals("JSONPatch", answer.path("response").path("patchType").asText(), "case-insensitive as Dapr");
        // reinvocation (reinvocationPolicy: IfNeeded): the patched pod comes back and is left as it is
        ((ObjectNode) review.path("request")).set("object", Fixtures.patchedPod(review, answer));
        response = injector.review(review).path("response");
        assertTrue(response.path("allowed").asBoolean());
        assertTrue(response.path("patch").isMissingNode());
    }

    @Test
    void aBodyThatIsNoReviewIs400AndTheServerKeepsServing() throws Exception {
        HttpResponse<String> r = injector.post("/mutate", "{not json".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("h2splice injector: the body is not JSON"), r.body());
        r = injector.post("/mutate", "{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("not an AdmissionReview"), r.body());
        r = injector.post("/mutate", new byte[0]);
        assertEquals(400, r.statusCode());
        r = injector.post("/mutate", "[1,2]".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertEquals(405, injector.get("/mutate").statusCode());
        assertEquals(404, injector.get("/nothing").statusCode());
        r = injector.get("/healthz");
        assertEquals(200, r.statusCode());
        assertEquals("JSONPatch", injector.review(Fixtures.review("review-seed-pod.json")).path("response")
                .path("patchType").asText());
    }

    static Map<String, String> env(JsonNode container) {
        Map<String, String> m = new LinkedHashMap<>();
        container.path("env").forEach(e -> {
            if (e.has("value")) {
                m.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return m;
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (name.equals(n.path("name").asText())) {
                return n;
            }
        }
        throw new AssertionError(name + " not in " + list);
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Integer> probeNumbers(JsonNode probe) {
        return List.of(probe.path("initialDelaySeconds").asInt(), probe.path("timeoutSeconds").asInt(),
                probe.path("periodSeconds").asInt(), probe.path("failureThreshold").asInt());
    }
}
