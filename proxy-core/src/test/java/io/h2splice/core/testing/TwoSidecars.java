package io.h2splice.core.testing;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.h2splice.core.acl.AccessList;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.trace.CallTracer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The end-to-end topology: grpc-java client → sidecar A ({@code client}, API port) → sidecar B ({@code server},
 * internal port) → the {@link TestApp} {@code server-app}. A's {@link MapResolver} maps ({@code server}, B's
 * namespace) to B's internal address. Optionally A has its own app ({@code client-app}), B reaches its app
 * through a {@link TcpRelay} the test can cut, A reaches B through another one, and A applies Resiliency policies.
 *
 * <p>Everything binds 127.0.0.1 on OS-picked ports; {@link #close()} is bounded and reports what did not stop.
 */
public final class TwoSidecars implements AutoCloseable {

    public static final String CLIENT = "client";
    public static final String SERVER = "server";
    public static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private TestApp serverApp;
    private TestApp clientApp;
    private TcpRelay relay;
    private TcpRelay relayToB;
    private MapResolver resolverA;
    private MapResolver resolverB;
    private Proxy a;
    private Proxy b;
    private ManagedChannel channel;

    /**
     * The hop security each sidecar of every topology gets, by (app id, namespace): plaintext unless a suite that
     * runs these tests over mTLS (proxy-tls) installs its own before the first topology starts.
     */
    private static volatile BiFunction<String, String, TransportSecurity> security =
            (appId, namespace) -> TransportSecurity.PLAINTEXT;

    private TwoSidecars() {
    }

    public static void useSecurity(BiFunction<String, String, TransportSecurity> perSidecar) {
        security = perSidecar;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TwoSidecars start() throws Exception {
        return builder().start();
    }

    /** Options of the topology. */
    public static final class Builder {
        private String serverNamespace = "default";
        private boolean clientApp;
        private boolean relay;
        private boolean relayToB;
        private ResiliencyPolicies resiliencyA = ResiliencyPolicies.NONE;
        private UnaryOperator<ProxyConfig> configureA = UnaryOperator.identity();
        private UnaryOperator<ProxyConfig> configureB = UnaryOperator.identity();
        private CallTracer tracerA = CallTracer.OFF;
        private CallTracer tracerB = CallTracer.OFF;
        private AccessList accessListB = AccessList.NONE;
        private TransportSecurity securityA;

        /** B runs in this namespace; A's resolver maps ({@code server}, ns). */
        public Builder serverNamespace(String ns) {
            this.serverNamespace = ns;
            return this;
        }

        /** Gives sidecar A its own app ({@code client-app}). */
        public Builder withClientApp() {
            this.clientApp = true;
            return this;
        }

        /** B reaches its app through a {@link TcpRelay}. */
        public Builder withRelay() {
            this.relay = true;
            return this;
        }

        /** A reaches B's internal port through a {@link TcpRelay} ({@link #relayToB()}). */
        public Builder withRelayToB() {
            this.relayToB = true;
            return this;
        }

        /** The Resiliency policies sidecar A applies to its calls to other apps (default none). */
        public Builder resiliencyA(ResiliencyPolicies policies) {
            this.resiliencyA = policies;
            return this;
        }

        public Builder configureA(UnaryOperator<ProxyConfig> f) {
            this.configureA = f;
            return this;
        }

        public Builder configureB(UnaryOperator<ProxyConfig> f) {
            this.configureB = f;
            return this;
        }

        /** Sidecar A's tracer (default {@link CallTracer#OFF}). */
        public Builder tracerA(CallTracer tracer) {
            this.tracerA = tracer;
            return this;
        }

        /** Sidecar B's tracer (default {@link CallTracer#OFF}). */
        public Builder tracerB(CallTracer tracer) {
            this.tracerB = tracer;
            return this;
        }

        /** The access list sidecar B enforces from its first call (default none); swap it via B's proxy. */
        public Builder accessListB(AccessList list) {
            this.accessListB = list;
            return this;
        }

        /** Sidecar A's hop security instead of what {@link #useSecurity} gives it (e.g. another identity). */
        public Builder securityA(TransportSecurity s) {
            this.securityA = s;
            return this;
        }

        public TwoSidecars start() throws Exception {
            TwoSidecars t = new TwoSidecars();
            try {
                t.startAll(this);
                return t;
            } catch (Throwable e) {
                try {
                    t.close();
                } catch (Throwable suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private void startAll(Builder o) throws Exception {
        serverApp = TestApp.start("server-app");
        int bAppPort = serverApp.port();
        if (o.relay) {
            relay = TcpRelay.to(bAppPort);
            bAppPort = relay.port();
        }
        resolverB = new MapResolver();
        b = Proxy.builder(o.configureB.apply(ProxyConfig.loopback(SERVER, bAppPort).withNamespace(o.serverNamespace)),
                resolverB).security(security.apply(SERVER, o.serverNamespace)).tracer(o.tracerB)
                .accessList(o.accessListB).start();

        int aAppPort = 0;
        if (o.clientApp) {
            clientApp = TestApp.start("client-app");
            aAppPort = clientApp.port();
        }
        int bPort = b.internalPort();
        if (o.relayToB) {
            relayToB = TcpRelay.to(bPort);
            bPort = relayToB.port();
        }
        resolverA = new MapResolver().put(SERVER, o.serverNamespace, loopback(bPort));
        a = Proxy.builder(o.configureA.apply(ProxyConfig.loopback(CLIENT, aAppPort)), resolverA)
                .security(o.securityA != null ? o.securityA : security.apply(CLIENT, "default")).tracer(o.tracerA)
                .resiliency(o.resiliencyA).start();
        resolverB.put(CLIENT, "default", loopback(a.internalPort()));

        b.whenReady().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        a.whenReady().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel = newChannel(UnaryOperator.identity());
    }

    public static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A plaintext channel to A's API port (large message and metadata limits, user agent {@code h2splice-e2e}). */
    public ManagedChannel channel() {
        return channel;
    }

    /** The default channel with {@code dapr-app-id: appId} added to every call. */
    public Channel routed(String appId) {
        Metadata md = new Metadata();
        md.put(GrpcCalls.DAPR_APP_ID, appId);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
    }

    /** Another channel to A's API port, built like {@link #channel()} then customised; closed with the harness. */
    public ManagedChannel newChannel(UnaryOperator<NettyChannelBuilder> customize) {
        return track(customize.apply(baseChannel(a.apiPort())).build());
    }

    /** A channel straight to B's app, bypassing both sidecars: the baseline for "unchanged" assertions. */
    public ManagedChannel directChannel(UnaryOperator<NettyChannelBuilder> customize) {
        return track(customize.apply(baseChannel(serverApp.port())).build());
    }

    private ManagedChannel track(ManagedChannel ch) {
        channels.add(ch);
        return ch;
    }

    private static NettyChannelBuilder baseChannel(int port) {
        return NettyChannelBuilder.forAddress(loopback(port))
                .usePlaintext()
                .maxInboundMessageSize(TestApp.MAX_MESSAGE)
                .maxInboundMetadataSize(4 << 20)
                .userAgent("h2splice-e2e");
    }

    public TestApp serverApp() {
        return serverApp;
    }

    /** A's own app, or null unless {@link Builder#withClientApp()}. */
    public TestApp clientApp() {
        return clientApp;
    }

    /** The relay between B and its app, or null unless {@link Builder#withRelay()}. */
    public TcpRelay relay() {
        return relay;
    }

    /** The relay between A and B, or null unless {@link Builder#withRelayToB()}. */
    public TcpRelay relayToB() {
        return relayToB;
    }

    public Proxy sidecarA() {
        return a;
    }

    public Proxy sidecarB() {
        return b;
    }

    public MapResolver resolverA() {
        return resolverA;
    }

    public MapResolver resolverB() {
        return resolverB;
    }

    @Override
    public void close() {
        List<Throwable> errors = new ArrayList<>();
        for (ManagedChannel ch : channels) {
            step(errors, "closing a client channel", () -> {
                ch.shutdownNow();
                if (!ch.awaitTermination(5, TimeUnit.SECONDS)) {
                    throw new AssertionError("client channel did not terminate within 5 s");
                }
            });
        }
        if (a != null) {
            step(errors, "closing sidecar A", a::close);
        }
        if (b != null) {
            step(errors, "closing sidecar B", b::close);
        }
        if (clientApp != null) {
            step(errors, "closing client-app", clientApp::close);
        }
        if (serverApp != null) {
            step(errors, "closing server-app", serverApp::close);
        }
        if (relay != null) {
            relay.close();
        }
        if (relayToB != null) {
            relayToB.close();
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("TwoSidecars did not shut down cleanly: " + errors);
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void step(List<Throwable> errors, String what, Bounded.Step step) {
        try {
            Bounded.run(what, CLOSE_TIMEOUT, step);
        } catch (Throwable e) {
            errors.add(e);
        }
    }
}
