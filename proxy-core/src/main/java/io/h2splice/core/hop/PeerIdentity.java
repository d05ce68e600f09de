package io.h2splice.core.hop;

import java.util.Objects;

/**
 * The verified identity of the sidecar at the other end of a secure hop: its SPIFFE id
 * {@code spiffe://<trustDomain>/ns/<namespace>/<appId>} and the parts of it.
 */
public record PeerIdentity(String spiffeId, String trustDomain, String namespace, String appId) {

    public PeerIdentity {
        Objects.requireNonNull(spiffeId, "spiffeId");
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(appId, "appId");
    }
}
