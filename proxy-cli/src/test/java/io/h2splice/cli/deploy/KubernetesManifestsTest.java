package io.h2splice.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under deploy/kubernetes, parsed (multi-document YAML) and checked against the others and against
 * the image: names, namespaces, ports, selectors and labels that must agree, the webhook's wiring to the Service, the
 * injector's flags and security context, RBAC, the certificates, and the annotated example. No cluster runs here; this
 * is what can be checked without one (docs/kubernetes.md says how to check the rest on kind).
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("").toAbsolutePath().getParent().resolve("deploy/kubernetes");
    private static final String NS = "h2splice-system";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "MutatingWebhookConfiguration", "ClusterIssuer");

    /** Every document of every file, with the file it came from. */
    private static final List<Doc> DOCS = new ArrayList<>();

    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        String namespace() {
            return node.path("metadata").path("namespace").asText();
        }
    }

    @BeforeAll
    static void parseEverything() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests in " + DIR);
        for (Path f : files) {
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                while (it.hasNext()) {
                    JsonNode n = it.next();
                    if (n != null && !n.isNull() && !n.isMissingNode()) {
                        DOCS.add(new Doc(DIR.relativize(f), n));
                    }
                }
            }
        }
    }

    @Test
    void everyDocumentHasAKindANameAndTheRightScope() {
        Set<String> seen = new HashSet<>();
        for (Doc d : DOCS) {
            assertTrue(d.node().path("apiVersion").isTextual(), d.file() + ": apiVersion");
            assertFalse(d.kind().isEmpty(), d.file() + ": kind");
            assertTrue(d.name().matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"), d.file() + ": name '" + d.name() + "'");
            if (CLUSTER_SCOPED.contains(d.kind())) {
                assertTrue(d.namespace().isEmpty(), d.file() + ": " + d.kind() + " is cluster-scoped");
            } else {
                assertFalse(d.namespace().isEmpty(), d.file() + ": " + d.kind() + " " + d.name() + " names its "
                        + "namespace, so applying it never depends on the current context");
            }
            assertTrue(seen.add(d.kind() + "/" + d.namespace() + "/" + d.name()), "twice: " + d.kind() + " " + d.name());
        }
        assertEquals(Set.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment",
                "Service", "MutatingWebhookConfiguration", "Issuer", "ClusterIssuer", "Certificate"),
                new HashSet<>(DOCS.stream().map(Doc::kind).toList()));
    }

    @Test
    void theControlPlaneLivesInItsNamespaceCreatedFirst() throws IOException {
        one("Namespace", "", NS);
        for (Doc d : DOCS) {
            if (d.file().getNameCount() == 1 && !CLUSTER_SCOPED.contains(d.kind())) {
                assertEquals(NS, d.namespace(), d.file() + ": " + d.kind() + " " + d.name());
            }
        }
        try (Stream<Path> s = Files.list(DIR)) {
            List<String> top = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals("00-namespace.yaml", top.get(0), "kubectl apply -f applies files in name order: " + top);
        }
    }

    @Test
    void theInjectorDeploymentRunsTheInjectorSafely() {
        JsonNode dep = one("Deployment", NS, "h2splice-injector").node();
        JsonNode pod = dep.path("spec").path("template");
        assertSelects(dep.path("spec").path("selector").path("matchLabels"), pod.path("metadata").path("labels"),
                "the Deployment's selector");
        JsonNode spec = pod.path("spec");
        assertEquals("h2splice-injector", spec.path("serviceAccountName").asText());
        one("ServiceAccount", NS, "h2splice-injector");
        assertTrue(spec.path("securityContext").path("runAsNonRoot").asBoolean());
        assertEquals(65532, spec.path("securityContext").path("runAsUser").asInt(), "the image's user");
        JsonNode c = onlyContainer(spec);
        assertEquals(List.of("injector", "--port", "4000", "--tls-cert-file", "/etc/h2splice/webhook/tls.crt",
                "--tls-key-file", "/etc/h2splice/webhook/tls.key"), texts(c.path("args")));
        assertTrue(c.path("command").isMissingNode(), "the image's entry point runs, with the args as h2splice's");
        assertEquals(c.path("image").asText(), env(c, "SIDECAR_IMAGE"), "sidecars use the injector's image");
        JsonNode port = containerPort(c, "https");
        assertEquals(4000, port.path("containerPort").asInt(), "--port");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            JsonNode get = c.path(probe).path("httpGet");
            assertEquals("/healthz", get.path("path").asText(), probe);
            assertEquals("HTTPS", get.path("scheme").asText(), probe);
            assertEquals(4000, resolvePort(c, get.path("port")), probe);
        }
        JsonNode sc = c.path("securityContext");
        assertTrue(sc.path("readOnlyRootFilesystem").asBoolean());
        assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals(List.of("ALL"), texts(sc.path("capabilities").path("drop")));
        for (String r : List.of("cpu", "memory")) {
            assertFalse(c.path("resources").path("requests").path(r).asText().isEmpty(), "requests." + r);
        }
        assertFalse(c.path("resources").path("limits").path("memory").asText().isEmpty(), "limits.memory");
        JsonNode mount = byName(c.path("volumeMounts"), "webhook-tls");
        assertEquals("/etc/h2splice/webhook", mount.path("mountPath").asText(), "where --tls-*-file point");
        assertTrue(mount.path("readOnly").asBoolean());
        assertEquals("h2splice-injector-tls", byName(spec.path("volumes"), "webhook-tls").path("secret")
                .path("secretName").asText());
    }

    @Test
    void theServiceSendsPort443ToTheInjectorsPort4000() {
        JsonNode svc = one("Service", NS, "h2splice-injector").node();
        JsonNode pod = one("Deployment", NS, "h2splice-injector").node().path("spec").path("template");
        assertSelects(svc.path("spec").path("selector"), pod.path("metadata").path("labels"), "the Service's selector");
        JsonNode port = onlyElement(svc.path("spec").path("ports"));
        assertEquals(443, port.path("port").asInt());
        assertEquals(4000, resolvePort(onlyContainer(pod.path("spec")), port.path("targetPort")),
                "targetPort is the container's port");
    }

    @Test
    void theWebhookCallsTheServiceOnMutateAndNeverBlocksPods() {
        Doc webhookDoc = one("MutatingWebhookConfiguration", "", "h2splice-sidecar-injector");
        JsonNode w = onlyElement(webhookDoc.node().path("webhooks"));
        assertEquals(List.of("v1"), texts(w.path("admissionReviewVersions")));
        assertEquals("NoneOnDryRun", w.path("sideEffects").asText(), "it creates Services, but not for dry runs");
        assertEquals("Ignore", w.path("failurePolicy").asText());
        JsonNode rule = onlyElement(w.path("rules"));
        assertEquals(List.of("CREATE"), texts(rule.path("operations")));
        assertEquals(List.of(""), texts(rule.path("apiGroups")));
        assertEquals(List.of("v1"), texts(rule.path("apiVersions")));
        assertEquals(List.of("pods"), texts(rule.path("resources")));
        JsonNode to = w.path("clientConfig").path("service");
        Doc svc = one("Service", to.path("namespace").asText(), to.path("name").asText());
        assertEquals("/mutate", to.path("path").asText());
        List<Integer> ports = new ArrayList<>();
        svc.node().path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt()));
        assertTrue(ports.contains(to.path("port").asInt()), "the Service has port " + to + ": " + ports);
        assertTrue(w.path("clientConfig").has("caBundle"), "the caBundle placeholder");
        assertTrue(w.path("clientConfig").path("url").isMissingNode());

        JsonNode notIn = w.path("namespaceSelector").path("matchExpressions").get(0);
        assertEquals("kubernetes.io/metadata.name", notIn.path("key").asText());
        assertEquals("NotIn", notIn.path("operator").asText());
        assertTrue(texts(notIn.path("values")).containsAll(List.of(NS, "kube-system")),
                "the injector's own pods are never sent to it");

        // cert-manager: inject-ca-from names the Certificate whose Secret the injector mounts, valid for the Service.
        String from = webhookDoc.node().path("metadata").path("annotations").path("cert-manager.io/inject-ca-from")
                .asText();
        String[] nsName = from.split("/");
        JsonNode cert = one("Certificate", nsName[0], nsName[1]).node().path("spec");
        assertEquals("h2splice-injector-tls", cert.path("secretName").asText());
        assertTrue(texts(cert.path("dnsNames")).contains(svc.name() + "." + svc.namespace() + ".svc"),
                "the API server dials " + svc.name() + "." + svc.namespace() + ".svc");
        JsonNode issuer = cert.path("issuerRef");
        one(issuer.path("kind").asText(), "Issuer".equals(issuer.path("kind").asText()) ? nsName[0] : "",
                issuer.path("name").asText());
    }

    @Test
    void rbacGivesTheServiceAccountWhatTheInjectorDoesWithServices() {
        JsonNode role = one("ClusterRole", "", "h2splice-injector").node();
        JsonNode rule = onlyElement(role.path("rules"));
        assertEquals(List.of(""), texts(rule.path("apiGroups")));
        assertEquals(List.of("services"), texts(rule.path("resources")));
        assertEquals(new TreeSet<>(List.of("get", "list", "create", "update", "patch")),
                new TreeSet<>(texts(rule.path("verbs"))));
        JsonNode binding = one("ClusterRoleBinding", "", "h2splice-injector").node();
        assertEquals("ClusterRole", binding.path("roleRef").path("kind").asText());
        assertEquals("h2splice-injector", binding.path("roleRef").path("name").asText());
        JsonNode subject = onlyElement(binding.path("subjects"));
        assertEquals("ServiceAccount", subject.path("kind").asText());
        String sa = one("Deployment", NS, "h2splice-injector").node().path("spec").path("template").path("spec")
                .path("serviceAccountName").asText();
        assertEquals(sa, subject.path("name").asText());
        assertEquals(NS, subject.path("namespace").asText());
    }

    @Test
    void theExampleIsTheSeedPagesDeploymentAnnotatedForInjection() {
        JsonNode dep = one("Deployment", "default", "grpc-app").node();
        JsonNode pod = dep.path("spec").path("template");
        assertSelects(dep.path("spec").path("selector").path("matchLabels"), pod.path("metadata").path("labels"),
                "the Deployment's selector");
        JsonNode a = pod.path("metadata").path("annotations");
        assertEquals(Map.of("dapr.io/enabled", "true", "dapr.io/app-id", "server", "dapr.io/app-protocol", "grpc",
                "dapr.io/app-port", "50051"), Map.of("dapr.io/enabled", text(a, "dapr.io/enabled"),
                "dapr.io/app-id", text(a, "dapr.io/app-id"), "dapr.io/app-protocol", text(a, "dapr.io/app-protocol"),
                "dapr.io/app-port", text(a, "dapr.io/app-port")));
        JsonNode app = onlyContainer(pod.path("spec"));
        assertEquals(50051, containerPort(app, "grpc").path("containerPort").asInt(), "dapr.io/app-port");
        assertTrue(pod.path("spec").path("terminationGracePeriodSeconds").asInt() >= 10 + 5,
                "room for the sidecar's 5 s of serving plus up to 5 s of drain");
        JsonNode client = one("Deployment", "default", "grpc-client").node().path("spec").path("template");
        assertEquals("client", text(client.path("metadata").path("annotations"), "dapr.io/app-id"));
        assertTrue(client.path("metadata").path("annotations").path("dapr.io/app-port").isMissingNode());
    }

    @Test
    void sidecarIdentitiesComeFromTheIssuerTheInjectorAsksByDefault() {
        JsonNode root = one("Certificate", "cert-manager", "h2splice-trust-root").node().path("spec");
        assertTrue(root.path("isCA").asBoolean());
        assertEquals("ECDSA", root.path("privateKey").path("algorithm").asText());
        one(root.path("issuerRef").path("kind").asText(), "", root.path("issuerRef").path("name").asText());
        // The injector's --identity-issuer defaults to the ClusterIssuer h2splice-ca (docs/kubernetes-injector.md).
        JsonNode issuer = one("ClusterIssuer", "", "h2splice-ca").node().path("spec");
        assertEquals(root.path("secretName").asText(), issuer.path("ca").path("secretName").asText(),
                "the CA issuer signs with the trust root");
        for (String name : List.of("grpc-app", "grpc-client")) {
            JsonNode pod = one("Deployment", "default", name).node().path("spec").path("template").path("spec");
            assertTrue(pod.path("volumes").isMissingNode(), name + ": the injector adds the identity volume");
        }
    }

    // === helpers ===

    private static Doc one(String kind, String namespace, String name) {
        List<Doc> found = DOCS.stream().filter(d -> d.kind().equals(kind) && d.namespace().equals(namespace)
                && d.name().equals(name)).toList();
        assertEquals(1, found.size(), () -> kind + " " + namespace + "/" + name + " in " + DIR);
        return found.get(0);
    }

    /** Every label of the selector is on the pod, with the same value. */
    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.isObject() && selector.size() > 0, what + " is empty");
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(null), what + ": " + e.getKey());
        }
    }

    private static JsonNode onlyContainer(JsonNode podSpec) {
        return onlyElement(podSpec.path("containers"));
    }

    private static JsonNode onlyElement(JsonNode array) {
        assertTrue(array.isArray(), "not a list: " + array);
        assertEquals(1, array.size(), array.toString());
        return array.get(0);
    }

    private static JsonNode byName(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (name.equals(n.path("name").asText())) {
                return n;
            }
        }
        return fail("no '" + name + "' in " + array);
    }

    private static JsonNode containerPort(JsonNode container, String name) {
        return byName(container.path("ports"), name);
    }

    /** A port given as a number or as the name of one of the container's ports. */
    private static int resolvePort(JsonNode container, JsonNode port) {
        return port.isInt() ? port.asInt() : containerPort(container, port.asText()).path("containerPort").asInt();
    }

    private static String env(JsonNode container, String name) {
        return byName(container.path("env"), name).path("value").asText();
    }

    /** A string value, which must be a YAML string (annotations and CSI attributes are maps of strings). */
    private static String text(JsonNode map, String key) {
        JsonNode v = map.path(key);
        assertNotNull(v);
        assertTrue(v.isTextual(), key + " must be a string (quote it): " + v);
        return v.asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
