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
 */
record InjectorSettings(String image, boolean mtls, String identityDriver, String issuer, String issuerKind,
                        String trustDomain) {

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
    }

    /** The defaults with another image and mTLS setting: for tests. */
    static InjectorSettings of(String image, boolean mtls) {
        return new InjectorSettings(image, mtls, CERT_MANAGER_CSI, SidecarOptions.DEFAULT_ISSUER,
                SidecarOptions.DEFAULT_ISSUER_KIND, SidecarOptions.DEFAULT_TRUST_DOMAIN);
    }

    /** The default image: {@code ghcr.io/h2splice/h2splice:<version>}. */
    static String defaultImage(String version) {
        return "ghcr.io/h2splice/h2splice:" + version;
    }
}
