package io.h2splice.core.runtime;

import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.http.HttpEndpoints;
import io.h2splice.core.inbound.InboundRouter;
import io.h2splice.core.listen.Transport;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.splice.SpliceEngine;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running sidecar: its event loops, its listeners and its pools.
 *
 * <p>Starting points: {@link #builder} (then {@link ProxyBuilder#start()}) binds every listener and returns; {@link #listenPublic} adds the public health
 * port; {@link #whenReady()} completes once the app port accepts connections (at once when there is no app);
 * {@link #drain()} stops accepting, sends GOAWAY on every connection, lets running calls finish within
 * {@link ProxyConfig#gracefulShutdown()}, then closes everything; {@link #drainAfter} first turns not ready and keeps
 * serving for a while (a pod whose app container stops at the same time). See docs/drain.md.
 */
public final class Proxy implements AutoCloseable {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(Proxy.class);
    private static final long APP_PROBE_INTERVAL_MS = 100;

    private final ProxyConfig config;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ProxyMetrics metrics;
    private final SpliceEngine engine;
    private final List<Channel> listeners = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set by {@link #drainAfter} or {@link #drain()}: healthz says 500 from then on. */
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final NameResolver resolver;
    private final AccessListHolder accessLists;
    private final ResiliencyPolicies resiliency;
    private final RuntimeStatus status = new RuntimeStatus(this);
    private volatile String notReadyReason = "starting";
    private int apiPort;
    private int internalPort;
    private int httpPort = -1;
    private int metricsPort = -1;
    private volatile int publicPort = -1;

    private Proxy(ProxyBuilder b, Transport transport) {
        this.config = b.config;
        this.resiliency = b.resiliency;
        this.accessLists = new AccessListHolder(b.accessList);
        this.metrics = new ProxyMetrics(b.metricsSettings, config.workers());
        this.resolver = b.resolver;
        this.transport = transport;
        this.boss = transport.newGroup(1, "h2splice-accept");
        this.workers = transport.newGroup(config.workers(), "h2splice-loop");
        this.engine = new SpliceEngine(config, metrics, resolver, transport, b.security, workers, b.tracer,
                OutboundRouter.builder(config.appId(), config.namespace()).apiTokens(config.apiTokens(), metrics)
                        .accessLists(accessLists).resiliency(resiliency).build(),
                InboundRouter.builder(config.appId(), config.namespace()).accessLists(accessLists)
                        .apiTokens(config.apiTokens()).build());
    }

    /** A sidecar of {@code config} finding other apps through {@code resolver}; the rest has defaults until set. */
    public static ProxyBuilder builder(ProxyConfig config, NameResolver resolver) {
        return new ProxyBuilder(config, resolver);
    }

    /** {@link ProxyBuilder#start()}: binds all listeners, or fails with a one-line message. */
    static Proxy start(ProxyBuilder b) throws ProxyStartException {
        Transport transport;
        try {
            transport = Transport.pick();
        } catch (IllegalArgumentException e) {
            throw new ProxyStartException(e.getMessage(), e);
        }
        Proxy p = new Proxy(b, transport);
        try {
            p.bindAll();
        } catch (ProxyStartException e) {
            p.shutdownGroups();
            throw e;
        }
        p.probeApp();
        return p;
    }

    private void bindAll() throws ProxyStartException {
        if (transport.fallback() == null) {
            log.info("transport: {}, {} event loop(s)", transport.name(), config.workers());
        } else {
            log.info("transport: {}, {} event loop(s) ({})", transport.name(), config.workers(), transport.fallback());
        }
        if (config.apiSocket() == null) {
            apiPort = bindEach("dapr-grpc-port", config.listenAddresses(), config.apiPort(), engine.apiInitializer());
        } else {
            apiPort = -1; // as daprd: with a socket, no TCP gRPC API
            bindSocket(config.apiSocket(), engine.apiInitializer());
        }
        internalPort = bindEach("dapr-internal-grpc-port", List.of(config.internalAddress()), config.internalPort(),
                engine.internalInitializer());
        if (config.httpPort() >= 0 && config.httpSocket() != null) {
            bindSocket(config.httpSocket(), HttpEndpoints.api(status));
        } else if (config.httpPort() >= 0) {
            httpPort = bindEach("dapr-http-port", config.listenAddresses(), config.httpPort(), HttpEndpoints.api(status));
        }
        if (config.apiSocket() != null) {
            log.info("gRPC API on {}{}", config.apiSocket(),
                    config.httpPort() >= 0 ? ", HTTP on " + config.httpSocket() : "");
        }
        if (config.metricsPort() >= 0) {
            metricsPort = bindEach("metrics-port", config.listenAddresses(), config.metricsPort(),
                    HttpEndpoints.metrics(metrics, status));
        }
        log.info("gRPC API on {}:{}, internal gRPC on {}:{}, HTTP on {}, metrics on {}", config.listenAddresses(), apiPort,
                config.internalAddress(), internalPort, httpPort, metricsPort);
    }

    /** Binds {@code initializer} on every address with one port; port 0 takes the port the first bind got. */
    private int bindEach(String flag, List<String> addresses, int port, ChannelHandler initializer)
            throws ProxyStartException {
        int bound = port;
        for (String address : addresses) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(initializer);
            ChannelFuture f = b.bind(address, bound).awaitUninterruptibly();
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                String why = cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")
                        ? "address already in use" : String.valueOf(cause.getMessage());
                throw new ProxyStartException("cannot listen on " + address + ":" + bound + " (--" + flag + "): "
                        + why, cause);
            }
            listeners.add(f.channel());
            bound = ((InetSocketAddress) f.channel().localAddress()).getPort();
        }
        return bound;
    }

    /**
     * Binds {@code initializer} on the Unix socket file {@code path} ({@code --unix-domain-socket}); a file left there
     * by a sidecar that died is taken over, one a live process listens on is not. The file is removed when the
     * listener closes.
     */
    private void bindSocket(Path path, ChannelHandler initializer) throws ProxyStartException {
        SocketFiles.takeOver(path);
        ChannelFuture f = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.domainServerChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(initializer)
                .bind(transport.domainSocketAddress(path)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new ProxyStartException("cannot listen on the Unix socket " + path + " (--unix-domain-socket): "
                    + f.cause().getMessage(), f.cause());
        }
        listeners.add(f.channel());
    }

    /**
     * Binds the public health port ({@code --dapr-public-port}, Dapr's 3501, the target of Kubernetes' probes) on
     * every interface: {@code GET /v1.0/healthz} only, from this proxy's readiness. Dual-stack ({@code ::}) where the
     * host has IPv6, else {@code 0.0.0.0}. Call once, right after {@link #start}, from the thread that started it.
     *
     * @param port the port; 0 picks a free one
     * @return the bound port
     * @throws ProxyStartException with a one-line message when the port cannot be bound
     */
    public int listenPublic(int port) throws ProxyStartException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--dapr-public-port must be a port in 0..65535, got " + port);
        }
        if (publicPort >= 0) {
            throw new IllegalStateException("the public port is already bound: " + publicPort);
        }
        ChannelHandler initializer = HttpEndpoints.publicHealth(status);
        int bound;
        try {
            bound = bindEach("dapr-public-port", List.of("::"), port, initializer);
        } catch (ProxyStartException noIpv6) {
            if (String.valueOf(noIpv6.getMessage()).endsWith("address already in use")) {
                throw noIpv6; // taken on IPv6 is taken on IPv4 too
            }
            bound = bindEach("dapr-public-port", List.of("0.0.0.0"), port, initializer);
        }
        publicPort = bound;
        log.info("public health port on *:{} (GET /v1.0/healthz)", bound);
        return bound;
    }

    /** Ready once the app port accepts a TCP connection (Dapr waits for the app port the same way). */
    private void probeApp() {
        if (!config.hasApp()) {
            markReady();
            return;
        }
        notReadyReason = "waiting for the app on " + config.appAddress() + ":" + config.appPort();
        tryApp();
    }

    private void tryApp() {
        if (draining.get()) {
            return;
        }
        new Bootstrap().group(workers).channel(transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(config.appAddress(), config.appPort())
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        f.channel().close();
                        markReady();
                    } else if (!workers.isShuttingDown()) {
                        workers.schedule(this::tryApp, APP_PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
                    }
                });
    }

    private void markReady() {
        notReadyReason = null;
        if (ready.complete(null)) {
            log.info("sidecar {} ready", config.appId());
        }
    }

    public ProxyConfig config() {
        return config;
    }

    /** "io_uring", "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    /** The bound gRPC API port, or -1 when the API listens on a Unix socket ({@link ProxyConfig#apiSocket()}). */
    public int apiPort() {
        return apiPort;
    }

    public int internalPort() {
        return internalPort;
    }

    /** The bound HTTP port, or -1 when disabled or on a Unix socket ({@link ProxyConfig#httpSocket()}). */
    public int httpPort() {
        return httpPort;
    }

    /** The bound metrics port, or -1 when disabled. */
    public int metricsPort() {
        return metricsPort;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The access list the internal listener enforces (swap it to reload) and its {@code dapr_runtime_acl_*} counters. */
    public AccessListHolder accessLists() {
        return accessLists;
    }

    /** The resiliency policies in force, with their breakers and counters. */
    public ResiliencyPolicies resiliency() {
        return resiliency;
    }

    /** The bound public health port, or -1 when {@link #listenPublic} was not called. */
    public int publicPort() {
        return publicPort;
    }

    public boolean isReady() {
        return ready.isDone() && !stopping.get();
    }

    /** Why the sidecar is not ready, or null when it is. */
    public String notReadyReason() {
        return stopping.get() ? "shutting down" : notReadyReason;
    }

    /** Adds metric families rendered by another module (text exposition format) to the metrics page. */
    public void addMetrics(java.util.function.Supplier<String> families) {
        status.extraMetrics(families);
    }

    /** Dapr's extended metadata ({@code PUT /v1.0/metadata/<key>}); thread-safe, owned by this proxy. */
    public java.util.Map<String, String> extendedMetadata() {
        return status.extended();
    }

    public CompletableFuture<Void> whenReady() {
        return ready;
    }

    /**
     * The stop of a sidecar whose app is another container of the same pod, stopping at the same time: readiness
     * turns false at once (healthz 500 on the HTTP and public ports, so no new traffic is routed here), while every
     * listener stays open and new connections and calls are served as before for {@code serveFor}, the time the app
     * has to drain its own callers; then {@link #drain()}. A {@link #drain()} call in between starts the drain at
     * once. Idempotent, and a no-op once a drain has started.
     *
     * @return completes as {@link #drain()}'s future does
     */
    public CompletableFuture<Void> drainAfter(Duration serveFor) {
        Objects.requireNonNull(serveFor, "serveFor");
        if (!draining.get() && stopping.compareAndSet(false, true)) {
            log.info("sidecar {} not ready; serving for {} ms more, then draining", config.appId(),
                    serveFor.toMillis());
            // drain() only starts a thread: cheap enough for the accept loop, which runs until the drain ends.
            boss.schedule(this::drain, Math.max(0, serveFor.toMillis()), TimeUnit.MILLISECONDS);
        }
        return drained;
    }

    /** Idempotent. Completes when every listener and connection is closed and the event loops have stopped. */
    public CompletableFuture<Void> drain() {
        stopping.set(true);
        if (!draining.compareAndSet(false, true)) {
            return drained;
        }
        Thread t = new Thread(this::drainNow, "h2splice-drain");
        t.setDaemon(true);
        t.start();
        return drained;
    }

    private void drainNow() {
        try {
            long graceMs = config.gracefulShutdown().toMillis();
            for (Channel l : listeners) {
                l.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
            // Http2ConnectionHandler.close: GOAWAY, then close once the open streams ended or the grace ran out.
            engine.downstreams().close().awaitUninterruptibly(graceMs + 1000, TimeUnit.MILLISECONDS);
            engine.closePools();
            shutdownGroups();
            resolver.close();
            log.info("sidecar {} stopped", config.appId());
        } catch (RuntimeException e) {
            log.warn("error while draining: {}", e.toString());
        } finally {
            drained.complete(null);
        }
    }

    private void shutdownGroups() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Drains and waits. */
    @Override
    public void close() {
        drain().join();
    }
}
