package io.h2splice.tls.ca;

import io.h2splice.tls.identity.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a sidecar presents and trusts: its private key, its certificate chain (the workload certificate first, then
 * the issuer and any intermediates; never the root) and the trust anchors (the root or roots). Immutable.
 *
 * <p>{@link #toString()} leaves the key out.
 *
 * @param key          the workload's private key (ECDSA P-256 or Ed25519 from h2splice's CA; whatever the files
 *                     hold otherwise)
 * @param chain        leaf first, then each issuer up to, not including, a trust anchor; not empty
 * @param trustAnchors the roots peers' chains must lead to; not empty
 */
public record WorkloadCredentials(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustAnchors) {

    public WorkloadCredentials {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        trustAnchors = List.copyOf(trustAnchors);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors");
        }
    }

    /** The workload certificate: the first of {@link #chain()}. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /**
     * The leaf's SPIFFE id.
     *
     * @throws IllegalArgumentException when the leaf has no single well-formed {@code spiffe://} URI SAN
     */
    public SpiffeId spiffeId() {
        return SpiffeId.of(leaf());
    }

    /**
     * Checks what a peer will check, and more: the key belongs to the leaf, the leaf has one well-formed SPIFFE id
     * and is not a CA, and the chain validates (PKIX, no revocation) against the trust anchors at {@code at}.
     * Use it before putting new credentials to work (rotation, reloaded files).
     *
     * @throws CaException saying what is wrong, in one line
     */
    public void validate(Instant at) throws CaException {
        if (!Keys.matches(key, leaf().getPublicKey())) {
            throw new CaException("the private key does not belong to the certificate of "
                    + Certificates.name(leaf()));
        }
        try {
            spiffeId();
        } catch (IllegalArgumentException e) {
            throw new CaException("the workload certificate is not a SPIFFE certificate: " + e.getMessage());
        }
        if (leaf().getBasicConstraints() >= 0) {
            throw new CaException("the workload certificate of " + Certificates.name(leaf()) + " is a CA certificate");
        }
        String problem = Chains.problem(chain, trustAnchors, at);
        if (problem != null) {
            throw new CaException("the chain of " + Certificates.name(leaf()) + " does not validate: " + problem);
        }
    }

    @Override
    public String toString() {
        return "WorkloadCredentials[" + Certificates.name(leaf()) + ", notBefore=" + notBefore() + ", notAfter="
                + notAfter() + ", chain=" + chain.size() + ", trustAnchors=" + trustAnchors.size() + ", key="
                + Keys.describe(key) + "]";
    }
}
