package io.h2splice.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one sidecar needs to start, validated here and never read from the environment further in.
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
 */
public record ProxyConfig(String appId, String namespace, List<String> listenAddresses, int apiPort, int internalPort,
                          String internalAddress, int httpPort, int metricsPort, String appAddress, int appPort,
                          int workers, Limits limits, Keepalive keepalive, Duration connectTimeout,
                          Duration gracefulShutdown, boolean apiLogging, ApiTokens apiTokens) {

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

    /** A config for tests and embedding: loopback everywhere, free ports, defaults elsewhere. */
    public static ProxyConfig loopback(String appId, int appPort) {
        return new ProxyConfig(appId, "default", List.of("127.0.0.1"), 0, 0, "127.0.0.1", 0, 0, "127.0.0.1", appPort,
                Math.max(1, Runtime.getRuntime().availableProcessors()), Limits.defaults(), Keepalive.defaults(),
                Duration.ofSeconds(10), Duration.ofSeconds(5), false, ApiTokens.none());
    }

    public boolean hasApp() {
        return appPort > 0;
    }

    public ProxyConfig withNamespace(String ns) {
        return new ProxyConfig(appId, ns, listenAddresses, apiPort, internalPort, internalAddress, httpPort, metricsPort,
                appAddress, appPort, workers, limits, keepalive, connectTimeout, gracefulShutdown, apiLogging,
                apiTokens);
    }

    public ProxyConfig withLimits(Limits l) {
        return new ProxyConfig(appId, namespace, listenAddresses, apiPort, internalPort, internalAddress, httpPort,
                metricsPort, appAddress, appPort, workers, l, keepalive, connectTimeout, gracefulShutdown, apiLogging,
                apiTokens);
    }

    public ProxyConfig withKeepalive(Keepalive k) {
        return new ProxyConfig(appId, namespace, listenAddresses, apiPort, internalPort, internalAddress, httpPort,
                metricsPort, appAddress, appPort, workers, limits, k, connectTimeout, gracefulShutdown, apiLogging,
                apiTokens);
    }

    public ProxyConfig withWorkers(int n) {
        return new ProxyConfig(appId, namespace, listenAddresses, apiPort, internalPort, internalAddress, httpPort,
                metricsPort, appAddress, appPort, n, limits, keepalive, connectTimeout, gracefulShutdown, apiLogging,
                apiTokens);
    }

    public ProxyConfig withApiLogging(boolean on) {
        return new ProxyConfig(appId, namespace, listenAddresses, apiPort, internalPort, internalAddress, httpPort,
                metricsPort, appAddress, appPort, workers, limits, keepalive, connectTimeout, gracefulShutdown, on,
                apiTokens);
    }

    public ProxyConfig withApiTokens(ApiTokens t) {
        return new ProxyConfig(appId, namespace, listenAddresses, apiPort, internalPort, internalAddress, httpPort,
                metricsPort, appAddress, appPort, workers, limits, keepalive, connectTimeout, gracefulShutdown,
                apiLogging, t);
    }

    private static void checkPort(int port, String flag, boolean mayBeDisabled) {
        int min = mayBeDisabled ? -1 : 0;
        if (port < min || port > 65_535) {
            throw new IllegalArgumentException("--" + flag + " must be a port in 0..65535, got " + port);
        }
    }
}
