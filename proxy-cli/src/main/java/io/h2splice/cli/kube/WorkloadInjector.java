package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code inject}'s side of the mutation: finds the pod template of a workload (Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob), applies {@link PodPatcher}'s patch to it and makes the
 * workload's {@code <app-id>-dapr} Service. Objects of other kinds are left alone; a {@code List}'s items are
 * handled one by one, each Service placed right after its workload.
 */
final class WorkloadInjector {

    /** A workload after injection, and the Service to write next to it (null when nothing was injected). */
    record Result(JsonNode object, ObjectNode service) {
    }

    private final PodPatcher patcher;
    private final boolean mtls;

    WorkloadInjector(PodPatcher patcher, boolean mtls) {
        this.patcher = Objects.requireNonNull(patcher, "patcher");
        this.mtls = mtls;
    }

    /**
     * Injects into one object (a copy; {@code object} is not changed), or into each item of a {@code List}.
     *
     * @param warn gets one line per workload meant for injection but left alone (bad annotations)
     */
    Result inject(JsonNode object, Consumer<String> warn) {
        if (!object.isObject()) {
            return new Result(object, null);
        }
        if ("List".equals(object.path("kind").asText()) && object.path("items").isArray()) {
            ObjectNode list = object.deepCopy();
            ArrayNode items = list.putArray("items");
            boolean changed = false;
            for (JsonNode item : object.path("items")) {
                Result r = inject(item, warn);
                items.add(r.object);
                if (r.service != null) {
                    items.add(r.service);
                    changed = true;
                }
            }
            return new Result(changed ? list : object, null);
        }
        String[] template = templatePath(object.path("kind").asText());
        if (template == null) {
            return new Result(object, null);
        }
        JsonNode parent = object;
        for (int i = 0; i < template.length - 1; i++) {
            parent = parent.path(template[i]);
        }
        JsonNode pod = template.length == 0 ? object : parent.path(template[template.length - 1]);
        if (!pod.isObject()) {
            return new Result(object, null);
        }
        String name = object.path("metadata").path("name").asText(null);
        Mutation m = patcher.mutate(pod, name);
        if (m instanceof Mutation.Rejected r) {
            r.warnings().forEach(w -> warn.accept(describe(object) + ": " + w));
            return new Result(object, null);
        }
        if (!(m instanceof Mutation.Patched p)) {
            return new Result(object, null);
        }
        JsonNode patchedPod = Patches.apply(p.patch(), pod);
        JsonNode out;
        if (template.length == 0) {
            out = patchedPod;
        } else {
            ObjectNode copy = object.deepCopy();
            ObjectNode at = copy;
            for (int i = 0; i < template.length - 1; i++) {
                at = (ObjectNode) at.get(template[i]);
            }
            at.set(template[template.length - 1], patchedPod);
            out = copy;
        }
        String ns = object.path("metadata").path("namespace").asText(null);
        return new Result(out, DaprService.of(p.annotations(), ns, selector(object, p.annotations()), mtls));
    }

    /** The fields from the object to its pod template; empty for a Pod; null for kinds without one. */
    private static String[] templatePath(String kind) {
        return switch (kind) {
            case "Pod" -> new String[0];
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job" ->
                    new String[] {"spec", "template"};
            case "CronJob" -> new String[] {"spec", "jobTemplate", "spec", "template"};
            default -> null;
        };
    }

    /**
     * The workload's {@code matchLabels} (a ReplicationController's plain selector), as Dapr's operator selects;
     * else (a Pod, a Job, a selector with expressions) the {@code dapr.io/app-id} label the injection sets.
     */
    private static Map<String, String> selector(JsonNode object, SidecarAnnotations a) {
        JsonNode sel = object.path("spec").path("selector");
        boolean rc = "ReplicationController".equals(object.path("kind").asText());
        JsonNode labels = rc ? sel : sel.path("matchLabels");
        boolean expressions = sel.path("matchExpressions").isArray() && !sel.path("matchExpressions").isEmpty();
        Map<String, String> m = Json.stringMap(labels);
        if (m.isEmpty() || expressions || "Job".equals(object.path("kind").asText())) {
            return DaprService.appIdSelector(a);
        }
        return m;
    }

    static String describe(JsonNode object) {
        return object.path("kind").asText("?") + "/" + object.path("metadata").path("name").asText("?");
    }

    /** Every object a document holds, for tests: the document itself or a List's items. */
    static List<JsonNode> objects(JsonNode doc) {
        List<JsonNode> out = new ArrayList<>();
        if ("List".equals(doc.path("kind").asText())) {
            doc.path("items").forEach(out::add);
        } else {
            out.add(doc);
        }
        return out;
    }
}
