package io.h2splice.cli.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.h2splice.cli.CliEnv;
import io.h2splice.cli.CliRun;
import io.h2splice.cli.ExitCodes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code h2splice inject} round-trips multi-document YAML: workloads injected, everything else unchanged. */
@Timeout(60)
class InjectCommandTest {

    @TempDir
    Path dir;

    private Path fixture() throws Exception {
        Path f = dir.resolve("workloads.yaml");
        Files.writeString(f, Fixtures.text("workloads.yaml"));
        return f;
    }

    private static List<JsonNode> documents(String yaml) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YamlDocuments.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    @Test
    void multiDocumentRoundTrip() throws Exception {
        Path f = fixture();
        CliRun r = CliRun.run(Map.of("SIDECAR_IMAGE", "registry.test/h2splice:env"), dir, "inject", "-f",
                f.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.err());
        List<JsonNode> docs = documents(r.out());
        assertEquals(4, docs.size(), r.out());
        List<JsonNode> in = documents(Fixtures.text("workloads.yaml"));

        // the Deployment: injected, with its Service right after
        JsonNode pod = docs.get(0).path("spec").path("template");
        assertEquals(List.of("grpc-app", "daprd"), InjectorWebhookTest.names(pod.path("spec").path("containers")));
        JsonNode daprd = pod.path("spec").path("containers").get(1);
        assertEquals("registry.test/h2splice:env", daprd.path("image").asText());
        assertEquals("/daprd", daprd.path("args").get(0).asText());
        assertEquals("server", pod.path("metadata").path("labels").path("dapr.io/app-id").asText());
        assertEquals(in.get(0).path("spec").path("selector"), docs.get(0).path("spec").path("selector"));
        assertEquals("50051", pod.path("metadata").path("annotations").path("dapr.io/app-port").asText(),
                "annotation strings stay strings");
        assertEquals("3500", InjectorWebhookTest.env(pod.path("spec").path("containers").get(0))
                .get("DAPR_HTTP_PORT"));

        JsonNode svc = docs.get(1);
        assertEquals("Service", svc.path("kind").asText());
        assertEquals("server-dapr", svc.path("metadata").path("name").asText());
        assertEquals("default", svc.path("metadata").path("namespace").asText());
        assertEquals("None", svc.path("spec").path("clusterIP").asText());
        assertEquals(Map.of("app", "grpc-app"), Json.stringMap(svc.path("spec").path("selector")),
                "the workload's matchLabels, as Dapr's operator");
        assertEquals(List.of("dapr-http", "dapr-grpc", "dapr-internal", "dapr-metrics"),
                InjectorWebhookTest.names(svc.path("spec").path("ports")));
        assertEquals(3500, svc.path("spec").path("ports").get(0).path("targetPort").asInt());
        assertEquals(80, svc.path("spec").path("ports").get(0).path("port").asInt());

        // the ConfigMap: the same text, comments and all
        assertEquals(in.get(1), docs.get(2));
        String configMapText = Fixtures.text("workloads.yaml").split("(?m)^---$")[1];
        assertTrue(r.out().contains(configMapText), "ConfigMap written back verbatim:\n" + r.out());

        // the List: StatefulSet injected as a native sidecar with its Service after it; the Service untouched;
        // the CronJob's template injected with the CronJob's name as app id
        JsonNode items = docs.get(3).path("items");
        assertEquals(List.of("StatefulSet", "Service", "Service", "CronJob", "Service"), kinds(items));
        JsonNode sts = items.get(0).path("spec").path("template").path("spec");
        assertEquals(List.of("migrate", "daprd"), InjectorWebhookTest.names(sts.path("initContainers")));
        assertEquals("Always", sts.path("initContainers").get(1).path("restartPolicy").asText());
        assertEquals("custom", InjectorWebhookTest.env(sts.path("containers").get(0)).get("APP_PROTOCOL"));
        assertEquals(Map.of("app", "client", "tier", "front"),
                Json.stringMap(items.get(1).path("spec").path("selector")));
        assertEquals("client-dapr", items.get(1).path("metadata").path("name").asText());
        assertEquals(in.get(2).path("items").get(1), items.get(2));
        assertEquals("nightly-dapr", items.get(4).path("metadata").path("name").asText());
        assertEquals(Map.of("dapr.io/app-id", "nightly"), Json.stringMap(items.get(4).path("spec").path("selector")));
        JsonNode cronPod = items.get(3).path("spec").path("jobTemplate").path("spec").path("template");
        assertEquals("nightly", cronPod.path("metadata").path("labels").path("dapr.io/app-id").asText());

        // running it again changes nothing: daprd is there already
        Path again = dir.resolve("again.yaml");
        Files.writeString(again, r.out());
        CliRun second = CliRun.run(Map.of(), dir, "inject", "-f", again.toString());
        assertEquals(ExitCodes.OK, second.code(), second.err());
        assertEquals(r.out(), second.out());
    }

    @Test
    void readsStdin() throws Exception {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: solo
                  annotations:
                    dapr.io/enabled: "true"
                spec:
                  containers:
                  - name: app
                    image: busybox
                """;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CliEnv env = new CliEnv(Map.of(), dir, ps, ps);
        int code = new CommandLine(new InjectCommand(env, new ByteArrayInputStream(pod.getBytes(StandardCharsets.UTF_8))))
                .execute("--enable-mtls=false");
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        List<JsonNode> docs = documents(out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("Pod", "Service"), kinds(docs));
        List<String> args = InjectorWebhookTest.strings(docs.get(0).path("spec").path("containers").get(1)
                .path("args"));
        assertTrue(args.contains("--enable-mtls=false"), args.toString());
        assertTrue(args.containsAll(List.of("--app-id", "solo", "--app-protocol", "http")), args.toString());
        assertEquals(Map.of("dapr.io/app-id", "solo"), Json.stringMap(docs.get(1).path("spec").path("selector")));
        assertEquals("grpc", docs.get(1).path("spec").path("ports").get(2).path("appProtocol").asText());
    }

    @Test
    void sidecarsPointedAtADaprControlPlanesSentryGetWhatDaprsInjectorGivesDaprd() throws Exception {
        TestCertificate root = TestCertificate.create(dir, "dapr-root");
        CliRun r = CliRun.run(Map.of(), dir, "inject", "-f", fixture().toString(), "--sentry-address",
                "dapr-sentry.dapr-system.svc.cluster.local:443", "--sentry-trust-anchors-file",
                root.certFile().toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode pod = documents(r.out()).get(0).path("spec").path("template").path("spec");
        JsonNode daprd = pod.path("containers").get(1);
        List<String> args = InjectorWebhookTest.strings(daprd.path("args"));
        String tail = String.join(" ", args.subList(args.indexOf("--enable-mtls=true"), args.size()));
        assertEquals("--enable-mtls=true --sentry-address dapr-sentry.dapr-system.svc.cluster.local:443", tail);
        Map<String, String> env = InjectorWebhookTest.env(daprd);
        assertEquals(Files.readString(root.certFile()), env.get("DAPR_TRUST_ANCHORS"));
        assertEquals("dapr-system", env.get("DAPR_CONTROLPLANE_NAMESPACE"));
        assertEquals("cluster.local", env.get("DAPR_CONTROLPLANE_TRUST_DOMAIN"));

        assertEquals(List.of("h2splice-tmp", "dapr-identity-token"), InjectorWebhookTest.names(pod.path("volumes")));
        JsonNode token = pod.path("volumes").get(1).path("projected").path("sources").get(0)
                .path("serviceAccountToken");
        assertEquals("spiffe://cluster.local/ns/dapr-system/dapr-sentry", token.path("audience").asText(),
                "the audience Sentry's Kubernetes validator accepts: its own SPIFFE id");
        assertEquals(7200, token.path("expirationSeconds").asInt());
        assertEquals("token", token.path("path").asText());
        JsonNode mount = daprd.path("volumeMounts").get(1);
        assertEquals("dapr-identity-token", mount.path("name").asText());
        assertEquals("/var/run/secrets/dapr.io/sentrytoken", mount.path("mountPath").asText(),
                "where h2splice run --mode kubernetes reads the token, as daprd");
        assertTrue(mount.path("readOnly").asBoolean());
    }

    @Test
    void aSentryWithoutReadableTrustAnchorsOrMtlsIsAUsageError() throws Exception {
        String f = fixture().toString();
        CliRun r = CliRun.run(Map.of(), dir, "inject", "-f", f, "--sentry-address", "s:443",
                "--sentry-trust-anchors-file", dir.resolve("none.crt").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("h2splice inject: --sentry-trust-anchors-file: cannot read " + dir.resolve("none.crt")
                + ": no such file", r.err().strip());
        Path notPem = Files.writeString(dir.resolve("bad.crt"), "not a certificate\n");
        r = CliRun.run(Map.of(), dir, "inject", "-f", f, "--sentry-address", "s:443", "--sentry-trust-anchors-file",
                notPem.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().startsWith("h2splice inject: --sentry-trust-anchors-file: " + notPem), r.err());
        r = CliRun.run(Map.of(), dir, "inject", "-f", f, "--sentry-address", "s:443", "--enable-mtls=false");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("h2splice inject: --sentry-address needs mTLS; remove it or --enable-mtls=false",
                r.err().strip());
        r = CliRun.run(Map.of(), dir, "inject", "-f", f, "--sentry-address", "sentry");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("h2splice inject: --sentry-address: 'sentry' must be host:port", r.err().strip());
    }

    @Test
    void badYamlNamesFileAndLine() throws Exception {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Pod\nmetadata:\n"
                + "  name: [unclosed\n");
        CliRun r = CliRun.run(Map.of(), dir, "inject", "-f", f.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("h2splice inject: " + f + ":7: invalid YAML: "), r.err());
        assertEquals("", r.out());

        r = CliRun.run(Map.of(), dir, "inject", "-f", dir.resolve("missing.yaml").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("missing.yaml: no such file"), r.err());
    }

    @Test
    void badAnnotationsWarnAndLeaveTheWorkloadAlone() throws Exception {
        Path f = dir.resolve("bad.yaml");
        String text = "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                + "  name: web\nspec:\n  template:\n    metadata:\n      annotations:\n"
                + "        dapr.io/enabled: \"true\"\n        dapr.io/app-port: \"0\"\n    spec:\n      containers:\n"
                + "      - name: web\n        image: nginx\n";
        Files.writeString(f, text);
        CliRun r = CliRun.run(Map.of(), dir, "inject", "-f", f.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals(text, r.out());
        assertTrue(r.err().startsWith(f + ":4: Deployment/web: h2splice: dapr.io/app-port: '0' must be a port"),
                r.err());
    }

    /**
     * Found by InjectFuzzTest: a container that is not a mapping got an env patch that cannot apply, and inject
     * failed with zjsonpatch's stack trace ("Cannot reference past scalar value"); the webhook's patch would have made
     * the API server refuse the pod.
     */
    @Test
    void aContainerThatIsNotAMappingWarnsAndLeavesTheWorkloadAlone() throws Exception {
        Path f = dir.resolve("scalar.yaml");
        String text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: odd\n  annotations:\n"
                + "    dapr.io/enabled: \"true\"\nspec:\n  containers:\n  - name: app\n    image: busybox\n  - busybox\n";
        Files.writeString(f, text);
        CliRun r = CliRun.run(Map.of(), dir, "inject", "-f", f.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals(text, r.out());
        assertEquals(f + ":1: Pod/odd: h2splice: spec.containers[1] is not a container (a mapping); no sidecar injected",
                r.err().strip());
    }

    private static List<String> kinds(Iterable<JsonNode> nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach(n -> out.add(n.path("kind").asText()));
        return out;
    }
}
