/**
 * The sidecar's HTTP/1.1 side: the HTTP port (healthz, metadata), the Prometheus metrics port and the public health
 * port (healthz only, for Kubernetes' probes).
 *
 * <p>Starting points: {@link io.h2splice.core.http.HttpEndpoints} (the three pipeline initializers the runtime binds)
 * and {@link io.h2splice.core.http.SidecarStatus} (what the runtime reports through them);
 * {@link io.h2splice.core.http.RuntimeVersion} is public too, for proxy-cli's {@code --version}. Everything else is
 * package-private: one handler per port ({@code ApiHandler}, {@code MetricsHandler}, {@code PublicHealthHandler}),
 * one class per endpoint ({@code Healthz}, {@code Metadata}), and the shared edges ({@code MalformedRequestFilter},
 * {@code ReadWhileWritable}, {@code ApiToken}, {@code ConnectionGuard}, {@code Responses}, {@code JsonWriter}).
 */
package io.h2splice.core.http;
