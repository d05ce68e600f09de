package io.h2splice.bench.load;

import java.util.Map;
import java.util.Objects;

/**
 * Where the load generator sends its calls: a plaintext (h2c) gRPC address and the metadata every call carries
 * ({@code dapr-app-id} for a sidecar).
 */
public record Endpoint(String host, int port, Map<String, String> metadata) {

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        metadata = Map.copyOf(metadata);
    }

    @Override
    public String toString() {
        return host + ":" + port + (metadata.isEmpty() ? "" : " " + metadata);
    }
}
