package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one mutation both front ends share: a pod (or a pod template, which has the same {@code metadata} and
 * {@code spec}) in, an RFC 6902 JSON Patch out, in Dapr's order ({@code pkg/injector/patcher/patch.go}): labels,
 * volumes, the {@code daprd} container, then the app containers' env vars and socket volume mounts. Arrays that do
 * not exist yet are added whole, since JSON Patch cannot append to a missing array. Stateless and thread-safe.
 */
final class PodPatcher {

    static final String LABEL_INJECTED = "dapr.io/sidecar-injected";
    static final String LABEL_APP_ID = "dapr.io/app-id";
    static final String LABEL_METRICS = "dapr.io/metrics-enabled";

    private final InjectorSettings settings;

    PodPatcher(InjectorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param pod          the pod or pod template
     * @param defaultAppId the app id when {@code dapr.io/app-id} is absent (the pod's or workload's name), or null
     */
    Mutation mutate(JsonNode pod, String defaultAppId) {
        JsonNode metadata = pod.path("metadata");
        Map<String, String> annotations = Json.stringMap(metadata.path("annotations"));
        if (!SidecarAnnotations.enabled(annotations)) {
            return new Mutation.Skipped("not annotated dapr.io/enabled: \"true\"");
        }
        JsonNode spec = pod.path("spec");
        if (hasSidecar(spec.path("containers")) || hasSidecar(spec.path("initContainers"))) {
            return new Mutation.Skipped("already has a daprd container");
        }
        if (!spec.path("containers").isArray() || spec.path("containers").isEmpty()) {
            return new Mutation.Rejected(List.of("h2splice: the pod has no spec.containers; no sidecar injected"));
        }
        for (int i = 0; i < spec.path("containers").size(); i++) {
            if (!spec.path("containers").get(i).isObject()) { // its env could not be patched
                return new Mutation.Rejected(List.of("h2splice: spec.containers[" + i + "] is not a container (a "
                        + "mapping); no sidecar injected"));
            }
        }
        SidecarAnnotations a;
        try {
            a = SidecarAnnotations.parse(annotations, defaultAppId);
        } catch (AnnotationException e) {
            return new Mutation.Rejected(e.problems().stream().map(p -> "h2splice: " + p + "; no sidecar injected")
                    .toList());
        }
        ArrayNode patch = Json.array();
        labels(patch, metadata, a);
        appendAll(patch, spec, "volumes", List.copyOf(SidecarContainer.volumes(a, settings)));
        appendAll(patch, spec, a.nativeSidecar() ? "initContainers" : "containers",
                List.of(SidecarContainer.container(a, settings)));
        appEnv(patch, spec.path("containers"), a);
        appSocketMount(patch, spec.path("containers"), a);
        return new Mutation.Patched(patch, a);
    }

    private static boolean hasSidecar(JsonNode containers) {
        for (JsonNode c : containers) {
            if (SidecarContainer.NAME.equals(c.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void labels(ArrayNode patch, JsonNode metadata, SidecarAnnotations a) {
        if (!metadata.path("labels").isObject()) {
            add(patch, "/metadata/labels", Json.object());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_INJECTED, "true");
        labels.put(LABEL_APP_ID, a.appId());
        labels.put(LABEL_METRICS, Boolean.toString(a.metricsEnabled()));
        labels.forEach((k, v) -> add(patch, "/metadata/labels/" + Json.pointerToken(k), Json.MAPPER.valueToTree(v)));
    }

    /** Appends {@code items} to {@code spec.<field>}, or adds the array when the pod has none. */
    private static void appendAll(ArrayNode patch, JsonNode spec, String field, List<ObjectNode> items) {
        if (items.isEmpty()) {
            return;
        }
        if (!spec.path(field).isArray()) {
            ArrayNode all = Json.array();
            items.forEach(all::add);
            add(patch, "/spec/" + field, all);
            return;
        }
        items.forEach(i -> add(patch, "/spec/" + field + "/-", i));
    }

    /** {@code DAPR_HTTP_PORT}, {@code DAPR_GRPC_PORT}, {@code APP_PROTOCOL} on each app container lacking them. */
    private static void appEnv(ArrayNode patch, JsonNode containers, SidecarAnnotations a) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("DAPR_HTTP_PORT", Integer.toString(DaprdArgs.HTTP_PORT));
        wanted.put("DAPR_GRPC_PORT", Integer.toString(a.grpcPort()));
        wanted.put("APP_PROTOCOL", a.appProtocol());
        for (int i = 0; i < containers.size(); i++) {
            JsonNode env = containers.get(i).path("env");
            String path = "/spec/containers/" + i + "/env";
            if (!env.isArray()) {
                ArrayNode all = Json.array();
                wanted.forEach((k, v) -> all.add(Json.envVar(k, v)));
                add(patch, path, all);
                continue;
            }
            Set<String> defined = new HashSet<>();
            env.forEach(e -> defined.add(e.path("name").asText()));
            wanted.forEach((k, v) -> {
                if (!defined.contains(k)) {
                    add(patch, path + "/-", Json.envVar(k, v));
                }
            });
        }
    }

    /**
     * {@code dapr.io/unix-domain-socket-path}: each app container mounts the socket volume there, unless it already
     * mounts something with that name or at that path (as Dapr's injector).
     */
    private static void appSocketMount(ArrayNode patch, JsonNode containers, SidecarAnnotations a) {
        if (a.socketPath() == null) {
            return;
        }
        for (int i = 0; i < containers.size(); i++) {
            JsonNode mounts = containers.get(i).path("volumeMounts");
            String path = "/spec/containers/" + i + "/volumeMounts";
            ObjectNode mount = Json.object().put("name", SidecarContainer.SOCKET_VOLUME)
                    .put("mountPath", a.socketPath());
            if (!mounts.isArray()) {
                add(patch, path, Json.array().add(mount));
                continue;
            }
            boolean taken = false;
            for (JsonNode m : mounts) {
                taken |= SidecarContainer.SOCKET_VOLUME.equals(m.path("name").asText())
                        || a.socketPath().equals(m.path("mountPath").asText());
            }
            if (!taken) {
                add(patch, path + "/-", mount);
            }
        }
    }

    private static void add(ArrayNode patch, String path, JsonNode value) {
        patch.addObject().put("op", "add").put("path", path).set("value", value);
    }
}
