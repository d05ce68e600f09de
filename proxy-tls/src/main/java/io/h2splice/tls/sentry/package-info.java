/**
 * Dapr's Sentry as the sidecar's certificate authority, as daprd uses it ({@code pkg/security/sentry.go}): a fresh key
 * and an empty CSR sent to {@code dapr.proto.sentry.v1.CA/SignCertificate} over TLS, Sentry's own SPIFFE id
 * ({@code spiffe://<control-plane trust domain>/ns/<control-plane namespace>/dapr-sentry}) checked against the trust
 * anchors; the signed chain becomes the sidecar's {@link io.h2splice.tls.ca.WorkloadCredentials}, renewed by
 * {@link io.h2splice.tls.rotation.CertificateRotation}. The two messages are encoded here by hand (no protobuf
 * runtime, no grpc-java): the call goes over proxy-core's {@link io.h2splice.core.client.UnaryGrpcClient}.
 *
 * <p>Depends on proxy-core's client package and on tls.ca, tls.identity. Threading: {@link
 * io.h2splice.tls.sentry.SentryClient#sign} blocks (key generation, the call, retries); it runs on the caller's
 * thread at start and on the rotation thread later, never on an event loop.
 */
package io.h2splice.tls.sentry;
