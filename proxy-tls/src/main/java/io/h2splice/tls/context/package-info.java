/**
 * TLS on each hop, as proxy-core's {@link io.h2splice.core.hop.HopSecurity}:
 * {@link io.h2splice.tls.context.MtlsHopSecurity} (sidecar to sidecar: TLS 1.3, 1.2 allowed, ALPN {@code h2}, a
 * client certificate required, and the peer's SPIFFE id checked after the handshake by {@code PeerChecks} instead of
 * a host name) and {@link io.h2splice.tls.context.AppTlsHopSecurity} ({@code --app-protocol grpcs}: TLS to the app
 * without verifying it, as Dapr). The current server and client {@code SslContext}s live in {@code ContextHolder} and
 * are swapped when the certificate is renewed: new handshakes use the new pair, open connections keep theirs.
 * {@link io.h2splice.tls.context.TlsProvider} picks BoringSSL (netty-tcnative) or the JDK's TLS;
 * {@link io.h2splice.tls.context.TlsMetrics} counts handshakes and failures by reason
 * ({@link io.h2splice.tls.context.TlsMetricsText}). The handshake rules: {@code docs/mtls.md}.
 *
 * <p>Depends on tls.ca and tls.identity, and on proxy-core's hop, log and metrics. Threading: the handlers are added
 * by the listeners' and pools' channel initializers and run on their connection's event loop, where taking the
 * current contexts is one volatile read; {@code update} runs on the rotation thread; {@code TlsMetrics} is lock-free.
 */
package io.h2splice.tls.context;
