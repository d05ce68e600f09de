/**
 * TLS for the sidecar's hops: mTLS between sidecars with SPIFFE identities ({@link io.h2splice.tls.SidecarTls}, the
 * entry point: certificates from the local CA or from files, the sidecar-to-sidecar
 * {@link io.h2splice.core.hop.HopSecurity}, rotation and metrics) and TLS to the app for {@code --app-ssl}
 * ({@link io.h2splice.tls.context.AppTlsHopSecurity}); BoringSSL (netty-tcnative) contexts. Each hop's security puts
 * its TLS handler in front of the HTTP/2 handler on both ends; docs/mtls.md describes the behaviour.
 */
package io.h2splice.tls;
