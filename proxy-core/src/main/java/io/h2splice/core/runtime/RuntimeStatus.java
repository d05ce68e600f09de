package io.h2splice.core.runtime;

import io.h2splice.core.http.SidecarStatus;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.resiliency.ResiliencyMetricsText;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the HTTP and metrics listeners report of a running {@link Proxy}: thread-safe reads of its fields. */
final class RuntimeStatus implements SidecarStatus {

    private final Proxy proxy;
    private final Map<String, String> extended = new ConcurrentHashMap<>();
    private volatile java.util.function.Supplier<String> extraMetrics = () -> "";

    RuntimeStatus(Proxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public boolean isReady() {
        return proxy.isReady();
    }

    @Override
    public String notReadyReason() {
        String r = proxy.notReadyReason();
        return r == null ? "" : r;
    }

    @Override
    public String appId() {
        return proxy.config().appId();
    }

    @Override
    public String namespace() {
        return proxy.config().namespace();
    }

    @Override
    public int apiPort() {
        return proxy.apiPort();
    }

    @Override
    public int internalPort() {
        return proxy.internalPort();
    }

    @Override
    public int httpPort() {
        return proxy.httpPort();
    }

    @Override
    public int metricsPort() {
        return proxy.metricsPort();
    }

    @Override
    public int appPort() {
        return proxy.config().appPort();
    }

    /** The proxy always dials the app with gRPC over HTTP/2, whatever --app-protocol said (as Dapr does). */
    @Override
    public String appProtocol() {
        return "grpc";
    }

    @Override
    public String appChannelAddress() {
        return proxy.config().appAddress();
    }

    @Override
    public String transport() {
        return proxy.transportName();
    }

    @Override
    public String apiToken() {
        return proxy.config().apiTokens().dapr();
    }

    @Override
    public void apiTokenDenied() {
        proxy.metrics().apiTokenDenied(ProxyMetrics.TokenPort.HTTP);
    }

    @Override
    public Map<String, String> extended() {
        return extended;
    }

    @Override
    public java.util.function.Supplier<String> extraMetrics() {
        java.util.function.Supplier<String> extra = extraMetrics;
        return () -> proxy.accessLists().metricsText()
                + ResiliencyMetricsText.render(proxy.resiliency(), appId(), namespace())
                + extra.get();
    }

    void extraMetrics(java.util.function.Supplier<String> supplier) {
        extraMetrics = supplier;
    }
}
