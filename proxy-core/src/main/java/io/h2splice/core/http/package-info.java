/**
 * The sidecar's HTTP/1.1 side: the HTTP port (healthz, metadata) and the Prometheus metrics port.
 *
 * <p>Starting points: {@link io.h2splice.core.http.HttpEndpoints} (the two pipeline initializers the runtime binds)
 * and {@link io.h2splice.core.http.SidecarStatus} (what the runtime reports through them). Everything else is
 * package-private: one handler per port ({@code ApiHandler}, {@code MetricsHandler}), one class per endpoint
 * ({@code Healthz}, {@code Metadata}), and the shared edges ({@code MalformedRequestFilter}, {@code ConnectionGuard},
 * {@code Responses}, {@code JsonWriter}).
 */
package io.h2splice.core.http;
