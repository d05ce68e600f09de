package io.h2splice.core.http;

import java.util.Map;

/**
 * What the HTTP and metrics listeners report about the running sidecar. The runtime implements it; the handlers in
 * this package only read it, except {@link #extended()}, which {@code PUT /v1.0/metadata/<key>} writes.
 *
 * <p>Threading: every method is called on an event loop of the HTTP or metrics listener, once per request, possibly
 * from several loops at once. Implementations must be thread-safe, must not block and should be cheap (read a
 * volatile field or an immutable record).
 *
 * <p>Ports are the bound ports, not the configured ones: never 0 once the listener is up; -1 when the listener is
 * disabled.
 */
public interface SidecarStatus {

    /** {@code true} once the sidecar serves calls end to end (listeners bound, app port reachable when there is one). */
    boolean isReady();

    /**
     * Why the sidecar is not ready, in a few words ({@code "app port 50051 not reachable"}); shown inside the brackets
     * of healthz's {@code "dapr is not ready: [...]"}. Only read when {@link #isReady()} is {@code false}; may be empty.
     */
    String notReadyReason();

    /** This sidecar's app id, as in {@code --app-id}. */
    String appId();

    /** This sidecar's namespace ({@code NAMESPACE}, else {@code default}). */
    String namespace();

    /** The bound gRPC API port ({@code --dapr-grpc-port}). */
    int apiPort();

    /** The bound sidecar-to-sidecar port ({@code --dapr-internal-grpc-port}). */
    int internalPort();

    /** The bound HTTP port ({@code --dapr-http-port}), or -1 when disabled. */
    int httpPort();

    /** The bound metrics port ({@code --metrics-port}), or -1 when disabled. */
    int metricsPort();

    /** The app's port ({@code --app-port}), or 0 when the sidecar runs without an app. */
    int appPort();

    /** {@code --app-protocol} as given: {@code grpc}, {@code grpcs}, {@code h2c}, {@code http} or {@code https}. */
    String appProtocol();

    /** The event-loop transport in use: {@code "io_uring"}, {@code "epoll"} or {@code "nio"}. */
    String transport();

    /**
     * Dapr's "extended metadata": free-form strings that {@code dapr run} / {@code h2splice run} store with
     * {@code PUT /v1.0/metadata/<key>} ({@code cliPID}, {@code appPID}, {@code appCommand}, ...) and that
     * {@code list} reads back from {@code GET /v1.0/metadata}.
     *
     * <p>Ownership: the runtime creates the map once and owns it; it must be thread-safe (a
     * {@link java.util.concurrent.ConcurrentHashMap}), since the HTTP handlers {@code put} into it from their event
     * loops and iterate it while rendering. Must return the same map on every call.
     */
    Map<String, String> extended();

    /** {@code --app-channel-address}: where the sidecar dials the app. */
    default String appChannelAddress() {
        return "127.0.0.1";
    }

    /**
     * {@code true} once the sidecar can make outbound calls (its API listener is bound), which is before
     * {@link #isReady()} when the app is still starting. Answers {@code GET /v1.0/healthz/outbound}, which Dapr SDKs
     * poll before they call the sidecar. The default says ready: the HTTP listener only answers once it is bound.
     */
    default boolean isOutboundReady() {
        return true;
    }

    /**
     * The API token ({@code DAPR_API_TOKEN}) that every HTTP request except healthz must carry in the
     * {@code dapr-api-token} header, or the empty string when none is configured (the default).
     */
    default String apiToken() {
        return "";
    }

    /** An HTTP request was refused for a missing or wrong {@code dapr-api-token} (counted; the default does nothing). */
    default void apiTokenDenied() {
    }

    /**
     * Metric families of modules proxy-core does not know (TLS handshakes, certificate expiry), already in text
     * exposition format with their HELP and TYPE lines; appended to the metrics page.
     */
    default java.util.function.Supplier<String> extraMetrics() {
        return () -> "";
    }
}
