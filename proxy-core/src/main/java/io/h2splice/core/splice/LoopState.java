package io.h2splice.core.splice;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.LoopMetrics;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.pool.OutlierDetector;
import io.h2splice.core.pool.UpstreamPool;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.trace.CallTracer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Everything one event loop owns: its pools (one per target address), its flush batch, and a round-robin cursor.
 * Confined to {@link #eventLoop()}; reached by every connection of that loop without locks. The one thing shared
 * with the other loops is the sidecar's {@link OutlierDetector} (lock-free).
 */
final class LoopState {

    /** Identifies a sidecar pool: the same address serving another app id gets its own pool (its own TLS peer). */
    private record SidecarKey(String appId, String namespace, InetSocketAddress address) {
    }

    private final EventLoop eventLoop;
    private final ProxyConfig config;
    private final ProxyMetrics metrics;
    private final NameResolver resolver;
    private final FlushBatch flushBatch;
    private final MemoryBudget memory;
    private final Dialer sidecarDialer;
    private final OutlierDetector outliers;
    private final UpstreamPool appPool;
    private final Map<SidecarKey, UpstreamPool> sidecarPools = new HashMap<>();
    /**
     * When a new sidecar pool would make the map this large, the idle pools (no connection, no dial, no waiter) are
     * dropped first: pods come and go, and each address once called must not stay for the sidecar's life. Starts at
     * {@link #PRUNE_FLOOR}; after a sweep it is twice the pools still in use, so sweeps stay rare.
     */
    private int pruneAt = PRUNE_FLOOR;
    static final int PRUNE_FLOOR = 256;
    /** {@code sidecarPools.size()}, written on this loop after each change, read by the metrics page. */
    private volatile int poolsGauge;
    private final Consumer<Channel> downstreamTracker;
    private final CallTracer tracer;
    private final LoopMetrics callMetrics;
    private int cursor;
    /** The last sidecar pool handed out: most calls of a loop go to the same target, so no key is built for them. */
    private UpstreamPool lastSidecarPool;

    /** The state of {@code eventLoop}: what else it needs is set on the builder, with defaults for tests. */
    static Builder builder(EventLoop eventLoop, ProxyConfig config, ProxyMetrics metrics) {
        return new Builder(eventLoop, config, metrics);
    }

    private LoopState(Builder b) {
        this.eventLoop = b.eventLoop;
        this.config = b.config;
        this.metrics = b.metrics;
        this.outliers = b.outliers != null ? b.outliers : new OutlierDetector(metrics);
        this.tracer = b.tracer;
        this.callMetrics = metrics.calls().forLoop(b.index, config.namespace());
        this.resolver = b.resolver;
        this.flushBatch = new FlushBatch(eventLoop);
        this.memory = new MemoryBudget(eventLoop, config.limits().memoryBudget() / metrics.loops(),
                config.limits().directMemoryLimit(), metrics);
        this.sidecarDialer = b.sidecarDialer;
        this.appPool = b.appAddress == null ? null : new UpstreamPool(eventLoop, b.appAddress, null, null, b.appDialer);
        this.downstreamTracker = b.downstreamTracker;
        metrics.trackEntries("sidecar_pools", () -> poolsGauge);
    }

    EventLoop eventLoop() {
        return eventLoop;
    }

    ProxyConfig config() {
        return config;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    /** This loop's writer handle on the per-call metric families. */
    LoopMetrics callMetrics() {
        return callMetrics;
    }

    CallTracer tracer() {
        return tracer;
    }

    NameResolver resolver() {
        return resolver;
    }

    FlushBatch flushBatch() {
        return flushBatch;
    }

    /** This loop's share of the memory budget. */
    MemoryBudget memory() {
        return memory;
    }

    /** The pool to the local app, or null when the sidecar runs without one. */
    UpstreamPool appPool() {
        return appPool;
    }

    UpstreamPool sidecarPool(String appId, String namespace, InetSocketAddress address) {
        UpstreamPool last = lastSidecarPool;
        if (last != null && last.address() == address && last.peerAppId() == appId
                && last.peerNamespace() == namespace) {
            return last; // same objects as last time: cached route strings, the resolver's address
        }
        SidecarKey key = new SidecarKey(appId, namespace, address);
        UpstreamPool pool = sidecarPools.get(key);
        if (pool == null) {
            if (sidecarPools.size() >= pruneAt) {
                pruneIdlePools();
            }
            pool = new UpstreamPool(eventLoop, address, appId, namespace, sidecarDialer, outliers);
            sidecarPools.put(key, pool);
            poolsGauge = sidecarPools.size();
        }
        lastSidecarPool = pool;
        return pool;
    }

    private void pruneIdlePools() {
        sidecarPools.values().removeIf(UpstreamPool::isIdle);
        lastSidecarPool = null; // it may have been dropped
        pruneAt = Math.max(PRUNE_FLOOR, 2 * sidecarPools.size());
        poolsGauge = sidecarPools.size();
    }

    /** Sidecar pools kept now (tests). */
    int sidecarPoolCount() {
        return sidecarPools.size();
    }

    /** Spreads calls over the addresses of an app's sidecars, round-robin, skipping those ejected. */
    InetSocketAddress pick(List<InetSocketAddress> addresses) {
        return outliers.pick(addresses, cursor++ & Integer.MAX_VALUE);
    }

    void downstreamOpened(Channel channel) {
        downstreamTracker.accept(channel);
    }

    /** Closes every upstream connection and fails the calls still waiting for one. Runs on the loop. */
    void closePools() {
        if (appPool != null) {
            appPool.close();
        }
        for (UpstreamPool p : new ArrayList<>(sidecarPools.values())) {
            p.close();
        }
    }


    /** What a {@link LoopState} is made of besides its loop, config and metrics; used once, where it is built. */
    static final class Builder {
        private final EventLoop eventLoop;
        private final ProxyConfig config;
        private final ProxyMetrics metrics;
        private int index;
        private NameResolver resolver = (appId, namespace) -> CompletableFuture.completedFuture(List.of());
        private Dialer sidecarDialer;
        private Dialer appDialer;
        private InetSocketAddress appAddress;
        private Consumer<Channel> downstreamTracker = channel -> { };
        private CallTracer tracer = CallTracer.OFF;
        private OutlierDetector outliers;

        private Builder(EventLoop eventLoop, ProxyConfig config, ProxyMetrics metrics) {
            this.eventLoop = eventLoop;
            this.config = config;
            this.metrics = metrics;
        }

        /** This loop's number, 0-based: its slots in the per-loop metric recorders (default 0). */
        Builder index(int index) {
            this.index = index;
            return this;
        }

        /** Where other apps' sidecars are (default: nowhere, every lookup answers no address). */
        Builder resolver(NameResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        /** Dials other sidecars (default: none; only tests that never call one leave it out). */
        Builder sidecarDialer(Dialer dialer) {
            this.sidecarDialer = dialer;
            return this;
        }

        /** The app's address and its dialer (default: no app, calls to it fail UNAVAILABLE). */
        Builder app(InetSocketAddress address, Dialer dialer) {
            this.appAddress = address;
            this.appDialer = dialer;
            return this;
        }

        /** Told of every accepted connection, for the drain at shutdown (default: nobody). */
        Builder downstreamTracker(Consumer<Channel> tracker) {
            this.downstreamTracker = tracker;
            return this;
        }

        Builder tracer(CallTracer tracer) {
            this.tracer = tracer;
            return this;
        }

        /** Shared by every loop of the sidecar, so ejections are seen by all (default: one of this loop's own). */
        Builder outliers(OutlierDetector outliers) {
            this.outliers = outliers;
            return this;
        }

        LoopState build() {
            return new LoopState(this);
        }
    }
}
