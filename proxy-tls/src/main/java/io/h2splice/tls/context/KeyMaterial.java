package io.h2splice.tls.context;

import io.h2splice.tls.identity.SpiffeId;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A sidecar's TLS identity: its private key, its certificate chain (leaf first) and the trust anchors its peers must
 * chain to. Immutable; validated here.
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustAnchors) {

    public KeyMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        trustAnchors = List.copyOf(trustAnchors);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the certificate chain is empty");
        }
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("there are no trust anchors");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public SpiffeId spiffeId() {
        return SpiffeId.of(leaf());
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }
}
