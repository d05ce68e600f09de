/**
 * Keeps the sidecar's certificate current: {@link io.h2splice.tls.rotation.CertificateRotation} renews it at half its
 * life (plus up to 10 % jitter) from its {@link io.h2splice.tls.rotation.CertificateRotation.Source} (the local CA, or
 * files), validates the new credentials and their identity, then hands them to
 * {@link io.h2splice.tls.context.MtlsHopSecurity#update}; a failed renewal keeps the current certificate and is tried
 * again. {@link io.h2splice.tls.rotation.FileWatch} polls certificate files (Kubernetes swaps a symlink, which
 * directory watches miss) and asks for a renewal when they change. Design notes: {@code docs/mtls.md}, "Rotation".
 *
 * <p>Depends on tls.ca, tls.context and tls.identity. Threading: each class runs on a daemon thread of its own
 * ({@code h2splice-cert-rotation}, {@code h2splice-cert-files}); renewals (key generation, signing, file reads) and
 * polls run there, never on an event loop.
 */
package io.h2splice.tls.rotation;
