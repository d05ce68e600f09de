package io.h2splice.core.http;

import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code GET /v1.0/metadata}, in the shape of Dapr's {@code metadataResponse}
 * ({@code pkg/api/http/metadata.go}) as far as it applies to a gRPC proxy: {@code id}, {@code runtimeVersion},
 * {@code extended} (with {@code daprRuntimeVersion} added, as Dapr does), {@code appConnectionProperties} and
 * {@code actorRuntime} (always {@code DISABLED}). Fields Dapr leaves out when empty (components, subscriptions,
 * ...) are left out. h2splice's own facts sit under {@code "h2splice"}: namespace, every bound port, transport and
 * readiness. Keys of {@code extended} are sorted, as Go's encoder sorts map keys.
 */
final class Metadata {

    private Metadata() {
    }

    static String render(SidecarStatus status) {
        JsonWriter json = new JsonWriter().beginObject()
                .field("id", status.appId())
                .field("runtimeVersion", RuntimeVersion.VALUE);

        // A snapshot: the map is concurrent, and PUTs from other event loops may land while we render.
        Map<String, String> extended = new TreeMap<>(status.extended());
        extended.putIfAbsent("daprRuntimeVersion", RuntimeVersion.VALUE);
        json.beginObject("extended");
        extended.forEach(json::field);
        json.endObject();

        json.beginObject("appConnectionProperties");
        if (status.appPort() > 0) {
            json.field("port", status.appPort());
        }
        json.field("protocol", status.appProtocol())
                .field("channelAddress", status.appChannelAddress())
                .endObject();

        json.beginObject("actorRuntime")
                .field("runtimeStatus", "DISABLED")
                .field("hostReady", false)
                .endObject();

        json.beginObject("h2splice")
                .field("namespace", status.namespace())
                .field("grpcPort", status.apiPort())
                .field("internalGrpcPort", status.internalPort())
                .field("httpPort", status.httpPort())
                .field("metricsPort", status.metricsPort())
                .field("transport", status.transport())
                .field("ready", status.isReady())
                .endObject();

        return json.endObject().toString();
    }
}
