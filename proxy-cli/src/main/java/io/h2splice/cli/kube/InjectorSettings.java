package io.h2splice.cli.kube;

import java.util.Objects;

/**
 * What every injected sidecar shares, from the injector's (or {@code inject}'s) flags.
 *
 * @param image          the sidecar image unless a pod's {@code dapr.io/sidecar-image} names another
 * @param mtls           mTLS between sidecars: when true the identity volume is mounted and its files passed to
 *                       {@code h2splice run}; when false {@code --enable-mtls=false}
 * @param identityDriver the CSI driver of the identity volume, which must write {@code tls.crt}, {@code tls.key}
 *                       and {@code ca.crt} (cert-manager's csi-driver-spiffe does)
 */
record InjectorSettings(String image, boolean mtls, String identityDriver) {

    /** cert-manager's csi-driver-spiffe. */
    static final String DEFAULT_IDENTITY_DRIVER = "spiffe.csi.cert-manager.io";

    InjectorSettings {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(identityDriver, "identityDriver");
        if (image.isBlank()) {
            throw new IllegalArgumentException("empty sidecar image");
        }
    }

    /** The default image: {@code ghcr.io/h2splice/h2splice:<version>}. */
    static String defaultImage(String version) {
        return "ghcr.io/h2splice/h2splice:" + version;
    }
}
