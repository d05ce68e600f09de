package io.h2splice.cli.kube;

import java.util.Objects;

/**
 * What every injected sidecar shares, from the injector's (or {@code inject}'s) flags ({@link SidecarOptions}).
 *
 * @param image          the sidecar image unless a pod's {@code dapr.io/sidecar-image} names another
 * @param mtls           mTLS between sidecars: when true the identity volume is mounted and its files passed to
 *                       {@code h2splice run}; when false {@code --enable-mtls=false}
 * @param identityDriver the CSI driver of the identity volume, which must write {@code tls.crt}, {@code tls.key}
 *                       and {@code ca.crt}
 * @param issuer         for cert-manager's csi-driver: the issuer's name
 * @param issuerKind     for cert-manager's csi-driver: {@code ClusterIssuer} or {@code Issuer}
 * @param trustDomain    for cert-manager's csi-driver: the SPIFFE trust domain of the identities it asks for
 * @param sentry         with mTLS: the sidecars get their certificates from an existing Dapr control plane's Sentry
 *                       instead of the identity volume; null for the volume
 */
record InjectorSettings(String image, boolean mtls, String identityDriver, String issuer, String issuerKind,
                        String trustDomain, Sentry sentry) {

    /**
     * A Dapr control plane's Sentry, as Dapr's injector points daprd at it.
     *
     * @param address      {@code host:port} of Sentry's service
     * @param trustDomain  the control plane's trust domain (Sentry's SPIFFE id)
     * @param namespace    the control plane's namespace (Sentry's SPIFFE id)
     * @param anchorsPem   the control plane's trust anchors, given to each sidecar as {@code DAPR_TRUST_ANCHORS}
     */
    record Sentry(String address, String trustDomain, String namespace, String anchorsPem) {

        /** The audience of the service-account token Sentry's Kubernetes validator accepts: its SPIFFE id. */
        String audience() {
            return "spiffe://" + trustDomain + "/ns/" + namespace + "/dapr-sentry";
        }
    }

    /** cert-manager's csi-driver, which can be told the SPIFFE id to ask for: h2splice's own form. */
    static final String CERT_MANAGER_CSI = "csi.cert-manager.io";
    /** cert-manager's csi-driver-spiffe, whose ids are {@code /ns/<ns>/sa/<service-account>}. */
    static final String CSI_DRIVER_SPIFFE = "spiffe.csi.cert-manager.io";

    InjectorSettings {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(identityDriver, "identityDriver");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(issuerKind, "issuerKind");
        Objects.requireNonNull(trustDomain, "trustDomain");
        if (image.isBlank()) {
            throw new IllegalArgumentException("empty sidecar image");
        }
        if (sentry != null && !mtls) {
            throw new IllegalArgumentException("Sentry without mTLS");
        }
    }

    /** The defaults with another image and mTLS setting: for tests. */
    static InjectorSettings of(String image, boolean mtls) {
        return new InjectorSettings(image, mtls, CERT_MANAGER_CSI, SidecarOptions.DEFAULT_ISSUER,
                SidecarOptions.DEFAULT_ISSUER_KIND, SidecarOptions.DEFAULT_TRUST_DOMAIN, null);
    }

    /** The default image: {@code ghcr.io/h2splice/h2splice:<version>}. */
    static String defaultImage(String version) {
        return "ghcr.io/h2splice/h2splice:" + version;
    }
}
