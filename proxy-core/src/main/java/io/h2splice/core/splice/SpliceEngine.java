package io.h2splice.core.splice;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.listen.Transport;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.pool.OutlierDetector;
import io.h2splice.core.pool.UpstreamPool;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.routing.Router;
import io.h2splice.core.trace.CallTracer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The splice engine of one sidecar: per-loop state, and the channel initializers of the API listener (outbound
 * stack) and the internal listener (inbound stack). The runtime binds the listeners; this class owns what happens
 * on the connections.
 */
public final class SpliceEngine {

    private final ProxyConfig config;
    private final Transport transport;
    private final TransportSecurity security;
    private final Map<EventExecutor, LoopState> loops = new IdentityHashMap<>();
    private final ChannelGroup downstreams = new DefaultChannelGroup("downstreams", GlobalEventExecutor.INSTANCE);
    private final Router outbound;
    private final Router inbound;

    /**
     * @param outbound the API listener's router (routing to other apps, tokens, resiliency)
     * @param inbound  the internal listener's router (the local app, access lists)
     */
    public SpliceEngine(ProxyConfig config, ProxyMetrics metrics, NameResolver resolver, Transport transport,
                        TransportSecurity security, EventLoopGroup workers, CallTracer tracer, Router outbound,
                        Router inbound) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.security = Objects.requireNonNull(security, "security");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(tracer, "tracer");
        InetSocketAddress app = config.hasApp() ? new InetSocketAddress(config.appAddress(), config.appPort()) : null;
        OutlierDetector outliers = new OutlierDetector(metrics); // one for all loops: an ejection holds on each
        metrics.memoryBudget(config.limits().memoryBudget());
        int index = 0;
        for (EventExecutor e : workers) {
            EventLoop loop = (EventLoop) e;
            Dialer sidecars = pool -> dial(pool, ProxyMetrics.Side.UPSTREAM_SIDECAR, true);
            Dialer apps = pool -> dial(pool, ProxyMetrics.Side.UPSTREAM_APP, false);
            loops.put(loop, LoopState.builder(loop, config, metrics).index(index++).resolver(resolver)
                    .sidecarDialer(sidecars).app(app, apps).downstreamTracker(downstreams::add).tracer(tracer)
                    .outliers(outliers).build());
        }
    }

    /**
     * Pipeline of a connection accepted on the API port: h2c, outbound routing. While the loop's memory budget is
     * over its first mark, a new connection is closed at once. (The internal listener takes its peers' connections
     * still: each carries many clients' calls, and the budget sheds the one call that fills it.)
     */
    public ChannelInitializer<Channel> apiInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                LoopState loop = loop(ch);
                if (loop.memory().refusesConnections()) { // half the loop's budget is held: refuse before any work
                    loop.metrics().memoryRefused(true);
                    ch.close();
                    return;
                }
                ch.pipeline().addLast(HandlerBuilder.downstream(loop, ProxyMetrics.Side.API, outbound));
            }
        };
    }

    /** Pipeline of a connection accepted on the internal port: the hop's security, then inbound routing. */
    public ChannelInitializer<Channel> internalInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                security.sidecars().initServer(ch.pipeline());
                ch.pipeline().addLast(HandlerBuilder.downstream(loop(ch), ProxyMetrics.Side.INTERNAL, inbound));
            }
        };
    }

    /** Accepted connections still open (for the drain). */
    public ChannelGroup downstreams() {
        return downstreams;
    }

    /** Closes every pool on its own loop; upstream connections close, waiting calls fail. */
    public void closePools() {
        for (LoopState s : loops.values()) {
            if (!s.eventLoop().isShuttingDown()) {
                s.eventLoop().execute(s::closePools);
            }
        }
    }

    private LoopState loop(Channel ch) {
        return loops.get(ch.eventLoop());
    }

    private ChannelFuture dial(UpstreamPool pool, ProxyMetrics.Side side, boolean sidecar) {
        LoopState state = loops.get(pool.loop());
        Bootstrap b = new Bootstrap()
                .group(pool.loop())
                .channel(transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        HopSecurity hop = sidecar ? security.sidecars() : security.app();
                        hop.initClient(ch.pipeline(), pool.address(), pool.peerAppId(), pool.peerNamespace());
                        ch.pipeline().addLast(HandlerBuilder.upstream(state, side, pool, sidecar, hop.secure()));
                    }
                });
        ChannelFuture connect = b.connect(pool.address());
        connect.addListener(f -> state.metrics().dialed(sidecar, f.isSuccess()));
        return connect;
    }
}
