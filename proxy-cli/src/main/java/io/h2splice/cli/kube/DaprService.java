package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The headless Service {@code <app-id>-dapr} that other sidecars resolve an app id through, as Dapr's operator
 * makes it ({@code pkg/operator/handlers/dapr_handler.go}): {@code clusterIP: None}, the four sidecar ports and, with
 * metrics on, the Prometheus scrape annotations. A JSON tree, so {@code inject} writes it as YAML and the injector
 * sends it through the Kubernetes API from the same source.
 */
final class DaprService {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "h2splice";

    private DaprService() {
    }

    static String name(String appId) {
        return appId + "-dapr";
    }

    /**
     * @param namespace the Service's namespace, or null to leave it to {@code kubectl}
     * @param selector  the pods' labels to select: the workload's {@code matchLabels}, or {@code dapr.io/app-id}
     * @param mtls      whether the internal port speaks mTLS ({@code appProtocol: tls}) or plaintext gRPC
     */
    static ObjectNode of(SidecarAnnotations a, String namespace, Map<String, String> selector, boolean mtls) {
        ObjectNode svc = Json.object();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata");
        meta.put("name", name(a.appId()));
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        meta.putObject("labels").put("dapr.io/enabled", "true").put(MANAGED_BY, MANAGER);
        if (a.metricsEnabled()) {
            meta.putObject("annotations").put("prometheus.io/probe", "true").put("prometheus.io/scrape", "true")
                    .put("prometheus.io/port", Integer.toString(a.metricsPort())).put("prometheus.io/path", "/");
        }
        ObjectNode spec = svc.putObject("spec");
        spec.put("clusterIP", "None");
        ObjectNode sel = spec.putObject("selector");
        selector.forEach(sel::put);
        ArrayNode ports = spec.putArray("ports");
        ports.add(port("dapr-http", 80, DaprdArgs.HTTP_PORT, "http"));
        ports.add(port("dapr-grpc", a.grpcPort(), a.grpcPort(), "grpc"));
        ports.add(port("dapr-internal", a.internalPort(), a.internalPort(), mtls ? "tls" : "grpc"));
        ports.add(port("dapr-metrics", a.metricsPort(), a.metricsPort(), "http"));
        return svc;
    }

    /** The selector when no workload's {@code matchLabels} are at hand: the label the injection sets. */
    static Map<String, String> appIdSelector(SidecarAnnotations a) {
        return Map.of(PodPatcher.LABEL_APP_ID, a.appId());
    }

    private static ObjectNode port(String name, int port, int target, String appProtocol) {
        return Json.object().put("name", name).put("port", port).put("targetPort", target).put("protocol", "TCP")
                .put("appProtocol", appProtocol);
    }
}
