/**
 * TLS for the sidecar-to-sidecar hop: BoringSSL contexts, the local certificate authority and SPIFFE identities.
 * The hop is plaintext h2c until the mTLS issue lands; the engine already takes a
 * {@link io.h2splice.core.hop.HopSecurity} so that TLS slots in front of the HTTP/2 handler on both ends.
 */
package io.h2splice.tls;
