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
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** {@code APP_API_TOKEN} as a header value, or null when not set. */
    private final AsciiString appToken;
    private int cursor;
    /** The last sidecar pool handed out: most calls of a loop go to the same target, so no key is built for them. */
    private UpstreamPool lastSidecarPool;

    LoopState(EventLoop eventLoop, ProxyConfig config, ProxyMetrics metrics, NameResolver resolver,
              Dialer sidecarDialer, Dialer appDialer, InetSocketAddress appAddress, Consumer<Channel> downstreamTracker) {
        this(eventLoop, 0, config, metrics, resolver, sidecarDialer, appDialer, appAddress, downstreamTracker,
                CallTracer.OFF);
    }

    /** @param index this loop's number, 0-based: its slots in the per-loop metric recorders */
    LoopState(EventLoop eventLoop, int index, ProxyConfig config, ProxyMetrics metrics, NameResolver resolver,
              Dialer sidecarDialer, Dialer appDialer, InetSocketAddress appAddress, Consumer<Channel> downstreamTracker,
              CallTracer tracer) {
        this(eventLoop, index, config, metrics, resolver, sidecarDialer, appDialer, appAddress, downstreamTracker,
                tracer, new OutlierDetector(metrics));
    }

    /** As above, with {@code outliers} shared by every loop of the sidecar (ejections seen by all of them). */
    LoopState(EventLoop eventLoop, int index, ProxyConfig config, ProxyMetrics metrics, NameResolver resolver,
              Dialer sidecarDialer, Dialer appDialer, InetSocketAddress appAddress, Consumer<Channel> downstreamTracker,
              CallTracer tracer, OutlierDetector outliers) {
        this.outliers = outliers;
        this.tracer = tracer;
        this.callMetrics = metrics.calls().forLoop(index, config.namespace());
        this.eventLoop = eventLoop;
        this.config = config;
        this.metrics = metrics;
        this.resolver = resolver;
        this.flushBatch = new FlushBatch(eventLoop);
        this.memory = new MemoryBudget(eventLoop, config.limits().memoryBudget() / metrics.loops(),
                config.limits().directMemoryLimit(), metrics);
        this.sidecarDialer = sidecarDialer;
        this.appPool = appAddress == null ? null : new UpstreamPool(eventLoop, appAddress, null, null, appDialer);
        this.downstreamTracker = downstreamTracker;
        this.appToken = config.apiTokens().stampsApp() ? AsciiString.of(config.apiTokens().app()) : null;
        metrics.trackEntries("sidecar_pools", () -> poolsGauge);
    }

    /** {@code APP_API_TOKEN} as a header value, or null when not set. */
    AsciiString appToken() {
        return appToken;
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

}
