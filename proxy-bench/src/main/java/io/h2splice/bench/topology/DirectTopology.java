package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;

import java.util.List;
import java.util.Map;

/** client → app: the baseline every other topology's added latency is measured against. */
public final class DirectTopology implements Topology {

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public String describe() {
        return "client → app";
    }

    @Override
    public int hops() {
        return 0;
    }

    @Override
    public Setup start(TopologyContext ctx) {
        return new Setup(new Endpoint("127.0.0.1", ctx.appPort(), Map.of()), List.of(), Map.of(), List.of());
    }
}
