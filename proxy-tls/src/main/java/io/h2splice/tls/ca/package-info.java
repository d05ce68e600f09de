/**
 * The local certificate authority that issues sidecars their workload certificates, and PEM reading and writing.
 *
 * <p>Starting points: {@link io.h2splice.tls.ca.CertificateAuthority} (a root and an issuer on disk; signs
 * {@code spiffe://<td>/ns/<ns>/<app>} certificates with the profile of COMPAT.md "mTLS and identity"),
 * {@link io.h2splice.tls.ca.WorkloadCredentials} (a key, its chain and the trust anchors), {@link io.h2splice.tls.ca.Pem}
 * (certificates and keys as cert-manager, SPIRE, Dapr Sentry and openssl write them).
 *
 * <p>Certificates are built with BouncyCastle's bcpkix; keys, signatures and certificate parsing use the JDK's own
 * providers (BouncyCastle is never registered as a JCA provider). Key generation and signing are CPU work: call them
 * from a blocking executor, never from an event loop. Everything here is thread-safe.
 */
package io.h2splice.tls.ca;
