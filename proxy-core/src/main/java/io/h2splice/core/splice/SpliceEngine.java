package io.h2splice.core.splice;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.inbound.InboundRouter;
import io.h2splice.core.listen.Transport;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.pool.OutlierDetector;
import io.h2splice.core.pool.UpstreamPool;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.resiliency.ResiliencyPolicies;
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
    private final OutboundRouter outbound;
    private final InboundRouter inbound;

    public SpliceEngine(ProxyConfig config, ProxyMetrics metrics, NameResolver resolver, Transport transport,
                        TransportSecurity security, EventLoopGroup workers) {
        this(config, metrics, resolver, transport, security, workers, CallTracer.OFF);
    }

    /** As above, with {@code tracer} deciding and starting each call's span. */
    public SpliceEngine(ProxyConfig config, ProxyMetrics metrics, NameResolver resolver, Transport transport,
                        TransportSecurity security, EventLoopGroup workers, CallTracer tracer) {
        this(config, metrics, resolver, transport, security, workers, tracer, new AccessListHolder(AccessList.NONE));
    }

    /** As above, with the internal listener enforcing the access list {@code accessLists} holds. */
    public SpliceEngine(ProxyConfig config, ProxyMetrics metrics, NameResolver resolver, Transport transport,
                        TransportSecurity security, EventLoopGroup workers, CallTracer tracer,
                        AccessListHolder accessLists) {
        this(config, metrics, resolver, transport, security, workers, tracer, accessLists, ResiliencyPolicies.NONE);
    }

    /** As above, with {@code resiliency} applied to the calls the API listener sends to other apps. */
    public SpliceEngine(ProxyConfig config, ProxyMetrics metrics, NameResolver resolver, Transport transport,
                        TransportSecurity security, EventLoopGroup workers, CallTracer tracer,
                        AccessListHolder accessLists, ResiliencyPolicies resiliency) {
        this.config = config;
        this.transport = transport;
        this.security = security;
        this.outbound = new OutboundRouter(config.appId(), config.namespace(), config.apiTokens(), metrics,
                accessLists, resiliency);
        this.inbound = new InboundRouter(config.appId(), config.namespace(), accessLists);
        InetSocketAddress app = config.hasApp() ? new InetSocketAddress(config.appAddress(), config.appPort()) : null;
        OutlierDetector outliers = new OutlierDetector(metrics); // one for all loops: an ejection holds on each
        metrics.memoryBudget(config.limits().memoryBudget());
        int index = 0;
        for (EventExecutor e : workers) {
            EventLoop loop = (EventLoop) e;
            Dialer sidecars = pool -> dial(pool, ProxyMetrics.Side.UPSTREAM_SIDECAR, true);
            Dialer apps = pool -> dial(pool, ProxyMetrics.Side.UPSTREAM_APP, false);
            loops.put(loop, new LoopState(loop, index++, config, metrics, resolver, sidecars, apps, app,
                    downstreams::add, tracer, outliers));
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
