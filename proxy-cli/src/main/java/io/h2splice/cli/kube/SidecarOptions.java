package io.h2splice.cli.kube;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.cli.Version;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The flags {@code injector} and {@code inject} share: what every sidecar gets. A picocli mixin. */
final class SidecarOptions {

    static final String DEFAULT_ISSUER = "h2splice-ca";
    static final String DEFAULT_ISSUER_KIND = "ClusterIssuer";
    static final String DEFAULT_TRUST_DOMAIN = "public";
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");

    @Option(names = "--sidecar-image", paramLabel = "IMAGE",
            description = "The sidecar image, unless a pod's dapr.io/sidecar-image names another (default: "
                    + "$SIDECAR_IMAGE, else ghcr.io/h2splice/h2splice:<this version>).")
    String image;

    @Option(names = "--enable-mtls", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL",
            description = "mTLS between sidecars: mount the identity CSI volume and pass its tls.crt, tls.key and "
                    + "ca.crt to 'h2splice run' (default: ${DEFAULT-VALUE}; false: --enable-mtls=false).")
    boolean mtls;

    @Option(names = "--identity-csi-driver", paramLabel = "DRIVER", defaultValue = InjectorSettings.CERT_MANAGER_CSI,
            description = "The identity volume's CSI driver (default: ${DEFAULT-VALUE}, cert-manager's csi-driver, "
                    + "asked for spiffe://<trust-domain>/ns/<namespace>/<app-id>). Any other driver gets no "
                    + "attributes and must issue that identity itself.")
    String driver;

    @Option(names = "--identity-issuer", paramLabel = "NAME", defaultValue = DEFAULT_ISSUER,
            description = "cert-manager issuer of the identities (default: ${DEFAULT-VALUE}).")
    String issuer;

    @Option(names = "--identity-issuer-kind", paramLabel = "KIND", defaultValue = DEFAULT_ISSUER_KIND,
            description = "ClusterIssuer or Issuer (default: ${DEFAULT-VALUE}).")
    String issuerKind;

    @Option(names = "--trust-domain", paramLabel = "DOMAIN", defaultValue = DEFAULT_TRUST_DOMAIN,
            description = "The SPIFFE trust domain of the identities asked for; it must match the sidecars' "
                    + "Configuration accessControl.trustDomain (default: ${DEFAULT-VALUE}, as Dapr).")
    String trustDomain;

    InjectorSettings settings(CliEnv env) {
        String img = image;
        if (img == null || img.isBlank()) {
            String fromEnv = env.vars().get("SIDECAR_IMAGE");
            img = fromEnv == null || fromEnv.isBlank() ? InjectorSettings.defaultImage(Version.number()) : fromEnv;
        }
        if (driver == null || driver.isBlank()) {
            throw new UsageException("--identity-csi-driver must not be empty");
        }
        if (!"ClusterIssuer".equals(issuerKind) && !"Issuer".equals(issuerKind)) {
            throw new UsageException("--identity-issuer-kind must be ClusterIssuer or Issuer, got '" + issuerKind + "'");
        }
        if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new UsageException("--trust-domain: '" + trustDomain + "' is not a SPIFFE trust domain");
        }
        return new InjectorSettings(img.strip(), mtls, driver.strip(), issuer.strip(), issuerKind, trustDomain);
    }
}
