/**
 * A workload's identity: {@link io.h2splice.tls.identity.SpiffeId},
 * {@code spiffe://<trust-domain>/ns/<namespace>/<app-id>}, the only URI SAN of a sidecar's certificate (README.md,
 * "mTLS"), parsed from text or read from a certificate. The local CA issues certificates for it, the peer checks read
 * it from the verified chain, and the rotation checks that a renewed certificate still carries the sidecar's own.
 *
 * <p>Depends on no other h2splice package. An immutable record, validated in its constructor; safe on any thread.
 */
package io.h2splice.tls.identity;
