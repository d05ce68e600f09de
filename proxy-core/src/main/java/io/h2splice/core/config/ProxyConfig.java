package io.h2splice.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one sidecar needs to start, validated here and never read from the environment further in. Made by
 * {@link #builder} (settings by name, defaults for the rest); the constructor takes all of them in order.
 *
 * @param appId              this sidecar's app id (no dots)
 * @param namespace          this sidecar's namespace ({@code NAMESPACE}, else {@code default})
 * @param listenAddresses    addresses the API, HTTP and metrics listeners bind to
 * @param apiPort            gRPC API port (h2c); 0 = pick a free port
 * @param internalPort       sidecar-to-sidecar port; 0 = pick a free port
 * @param internalAddress    address the internal listener binds to
 * @param httpPort           HTTP port (healthz, metadata); 0 = pick a free port, -1 = disabled
 * @param metricsPort        Prometheus port; 0 = pick a free port, -1 = disabled
 * @param appAddress         where the app listens ({@code --app-channel-address})
 * @param appPort            the app's gRPC port, or 0 when the sidecar runs without an app
 * @param workers            number of event loops
 * @param limits             HTTP/2 limits
 * @param keepalive          keepalive settings
 * @param connectTimeout     timeout for dialing the app or another sidecar
 * @param gracefulShutdown   how long a drain may take before remaining streams are reset
 * @param apiLogging         log one line per call
 * @param apiTokens          {@code DAPR_API_TOKEN} and {@code APP_API_TOKEN} (their {@code toString} hides them)
 * @param unixSocketDir      {@code --unix-domain-socket}: the gRPC API and the HTTP port listen on Unix sockets in this
 *                           directory ({@code dapr-<app id>-grpc.socket}, {@code dapr-<app id>-http.socket}) instead
 *                           of TCP, as in Dapr; null for TCP
 */
public record ProxyConfig(String appId, String namespace, List<String> listenAddresses, int apiPort, int internalPort,
                          String internalAddress, int httpPort, int metricsPort, String appAddress, int appPort,
                          int workers, Limits limits, Keepalive keepalive, Duration connectTimeout,
                          Duration gracefulShutdown, boolean apiLogging, ApiTokens apiTokens, Path unixSocketDir) {

    public ProxyConfig {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(gracefulShutdown, "gracefulShutdown");
        Objects.requireNonNull(appAddress, "appAddress");
        Objects.requireNonNull(internalAddress, "internalAddress");
        Objects.requireNonNull(apiTokens, "apiTokens");
        listenAddresses = List.copyOf(listenAddresses);
        if (appId.isEmpty() || appId.indexOf('.') >= 0) {
            throw new IllegalArgumentException("app id must be non-empty and contain no dot, got '" + appId + "'");
        }
        if (namespace.isEmpty() || namespace.indexOf('.') >= 0) {
            throw new IllegalArgumentException("namespace must be non-empty and contain no dot, got '" + namespace + "'");
        }
        if (listenAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one listen address is required");
        }
        checkPort(apiPort, "dapr-grpc-port", false);
        checkPort(internalPort, "dapr-internal-grpc-port", false);
        checkPort(httpPort, "dapr-http-port", true);
        checkPort(metricsPort, "metrics-port", true);
        checkPort(appPort, "app-port", false);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (gracefulShutdown.isNegative()) {
            throw new IllegalArgumentException("graceful shutdown must not be negative");
        }
        if (appPort > 0 && (appPort == apiPort || appPort == httpPort || appPort == internalPort)) {
            throw new IllegalArgumentException("app port " + appPort + " collides with one of the sidecar's ports");
        }
    }

    /**
     * A config for this app id, to be completed: loopback everywhere, ports picked by the OS, no app, one event loop per
     * core, and the other settings' defaults until a setter says otherwise.
     */
    public static Builder builder(String appId) {
        return new Builder(appId);
    }

    /** A builder holding this config's settings, to make a copy with some of them changed. */
    public Builder toBuilder() {
        return new Builder(appId).namespace(namespace).listenAddresses(listenAddresses).apiPort(apiPort)
                .internal(internalAddress, internalPort).httpPort(httpPort).metricsPort(metricsPort)
                .app(appAddress, appPort).workers(workers).limits(limits).keepalive(keepalive)
                .connectTimeout(connectTimeout).gracefulShutdown(gracefulShutdown).apiLogging(apiLogging)
                .apiTokens(apiTokens).unixSocketDir(unixSocketDir);
    }

    /** A config for tests and embedding: loopback everywhere, free ports, defaults elsewhere. */
    public static ProxyConfig loopback(String appId, int appPort) {
        return builder(appId).app("127.0.0.1", appPort).build();
    }

    /** The gRPC API's Unix socket ({@code dapr-<app id>-grpc.socket}), or null when it listens on TCP. */
    public Path apiSocket() {
        return unixSocketDir == null ? null : unixSocketDir.resolve("dapr-" + appId + "-grpc.socket");
    }

    /** The HTTP port's Unix socket ({@code dapr-<app id>-http.socket}), or null when it listens on TCP. */
    public Path httpSocket() {
        return unixSocketDir == null ? null : unixSocketDir.resolve("dapr-" + appId + "-http.socket");
    }

    public boolean hasApp() {
        return appPort > 0;
    }

    public ProxyConfig withNamespace(String ns) {
        return toBuilder().namespace(ns).build();
    }

    public ProxyConfig withLimits(Limits l) {
        return toBuilder().limits(l).build();
    }

    public ProxyConfig withKeepalive(Keepalive k) {
        return toBuilder().keepalive(k).build();
    }

    public ProxyConfig withWorkers(int n) {
        return toBuilder().workers(n).build();
    }

    public ProxyConfig withApiLogging(boolean on) {
        return toBuilder().apiLogging(on).build();
    }

    public ProxyConfig withApiTokens(ApiTokens t) {
        return toBuilder().apiTokens(t).build();
    }

    /**
     * Collects a {@link ProxyConfig}'s settings by name; {@link #build} checks them all at once (the record's
     * constructor), so a builder may be filled in any order. Not thread-safe; used once, at the edge.
     */
    public static final class Builder {
        private final String appId;
        private String namespace = "default";
        private List<String> listenAddresses = List.of("127.0.0.1");
        private int apiPort;
        private int internalPort;
        private String internalAddress = "127.0.0.1";
        private int httpPort;
        private int metricsPort;
        private String appAddress = "127.0.0.1";
        private int appPort;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Limits limits = Limits.defaults();
        private Keepalive keepalive = Keepalive.defaults();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration gracefulShutdown = Duration.ofSeconds(5);
        private boolean apiLogging;
        private ApiTokens apiTokens = ApiTokens.none();
        private Path unixSocketDir;

        private Builder(String appId) {
            this.appId = appId;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder listenAddresses(List<String> addresses) {
            this.listenAddresses = addresses;
            return this;
        }

        public Builder apiPort(int port) {
            this.apiPort = port;
            return this;
        }

        /** Where the sidecar-to-sidecar listener binds. */
        public Builder internal(String address, int port) {
            this.internalAddress = address;
            this.internalPort = port;
            return this;
        }

        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        public Builder metricsPort(int port) {
            this.metricsPort = port;
            return this;
        }

        /** Where the app listens; port 0 for a sidecar without an app. */
        public Builder app(String address, int port) {
            this.appAddress = address;
            this.appPort = port;
            return this;
        }

        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        public Builder limits(Limits l) {
            this.limits = l;
            return this;
        }

        public Builder keepalive(Keepalive k) {
            this.keepalive = k;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder gracefulShutdown(Duration d) {
            this.gracefulShutdown = d;
            return this;
        }

        public Builder apiLogging(boolean on) {
            this.apiLogging = on;
            return this;
        }

        public Builder apiTokens(ApiTokens t) {
            this.apiTokens = t;
            return this;
        }

        /** Unix sockets in {@code dir} for the gRPC API and HTTP instead of TCP; null for TCP. */
        public Builder unixSocketDir(Path dir) {
            this.unixSocketDir = dir;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting that is wrong */
        public ProxyConfig build() {
            return new ProxyConfig(appId, namespace, listenAddresses, apiPort, internalPort, internalAddress, httpPort,
                    metricsPort, appAddress, appPort, workers, limits, keepalive, connectTimeout, gracefulShutdown,
                    apiLogging, apiTokens, unixSocketDir);
        }
    }

    private static void checkPort(int port, String flag, boolean mayBeDisabled) {
        int min = mayBeDisabled ? -1 : 0;
        if (port < min || port > 65_535) {
            throw new IllegalArgumentException("--" + flag + " must be a port in 0..65535, got " + port);
        }
    }
}
