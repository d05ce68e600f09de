package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;

import java.util.List;
import java.util.Map;

/**
 * {@code --target host:port}: any plaintext gRPC endpoint serving the echo service (another proxy, a deployment), with
 * the {@code --metadata} given. Nothing is started, so no proxy CPU or RSS is measured; its hops are
 * {@code --target-hops}.
 */
public final class TargetTopology implements Topology {

    private final String host;
    private final int port;
    private final Map<String, String> metadata;
    private final int hops;

    public TargetTopology(String host, int port, Map<String, String> metadata, int hops) {
        this.host = host;
        this.port = port;
        this.metadata = Map.copyOf(metadata);
        this.hops = hops;
    }

    @Override
    public String name() {
        return "target";
    }

    @Override
    public String describe() {
        return "client → " + host + ":" + port + (metadata.isEmpty() ? "" : " with " + metadata)
                + " (" + hops + " hop" + (hops == 1 ? "" : "s") + " assumed)";
    }

    @Override
    public int hops() {
        return hops;
    }

    @Override
    public Setup start(TopologyContext ctx) {
        return new Setup(new Endpoint(host, port, metadata), List.of(), Map.of(), List.of());
    }
}
