package io.h2splice.cli.kube;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.cli.Version;
import io.h2splice.cli.config.HostPort;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The flags {@code injector} and {@code inject} share: what every sidecar gets. A picocli mixin. */
final class SidecarOptions {

    static final String DEFAULT_ISSUER = "h2splice-ca";
    static final String DEFAULT_ISSUER_KIND = "ClusterIssuer";
    static final String DEFAULT_TRUST_DOMAIN = "public";
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
    /** Where Dapr mounts the control plane's trust anchors in its own pods. */
    static final String SENTRY_ANCHORS = "/var/run/secrets/dapr.io/tls/ca.crt";

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

    @Option(names = "--sentry-address", paramLabel = "HOST:PORT",
            description = "Point the sidecars at an existing Dapr control plane's Sentry (e.g. "
                    + "dapr-sentry.dapr-system.svc.cluster.local:443) instead of the identity volume: each gets "
                    + "--sentry-address, the trust anchors in DAPR_TRUST_ANCHORS and a projected service-account "
                    + "token for Sentry, as Dapr's injector gives daprd.")
    String sentryAddress;

    @Option(names = "--sentry-trust-anchors-file", paramLabel = "FILE", defaultValue = SENTRY_ANCHORS,
            description = "With --sentry-address: the control plane's trust anchors (PEM; Dapr's dapr-trust-bundle "
                    + "ca.crt), read at start (default: ${DEFAULT-VALUE}, where Dapr mounts it).")
    Path sentryAnchorsFile;

    @Option(names = "--control-plane-trust-domain", paramLabel = "DOMAIN", defaultValue = "cluster.local",
            description = "With --sentry-address: the control plane's trust domain (default: ${DEFAULT-VALUE}, "
                    + "Sentry's default in Kubernetes).")
    String controlPlaneTrustDomain;

    @Option(names = "--control-plane-namespace", paramLabel = "NAMESPACE", defaultValue = "dapr-system",
            description = "With --sentry-address: the control plane's namespace (default: ${DEFAULT-VALUE}).")
    String controlPlaneNamespace;

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
        return new InjectorSettings(img.strip(), mtls, driver.strip(), issuer.strip(), issuerKind, trustDomain,
                sentry());
    }

    private InjectorSettings.Sentry sentry() {
        if (sentryAddress == null) {
            return null;
        }
        if (!mtls) {
            throw new UsageException("--sentry-address needs mTLS; remove it or --enable-mtls=false");
        }
        try {
            HostPort.parse(sentryAddress);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sentry-address: " + e.getMessage());
        }
        for (String[] segment : new String[][] {{"--control-plane-trust-domain", controlPlaneTrustDomain},
                {"--control-plane-namespace", controlPlaneNamespace}}) {
            if (!TRUST_DOMAIN.matcher(segment[1]).matches()) {
                throw new UsageException(segment[0] + ": '" + segment[1] + "' is not a SPIFFE path segment");
            }
        }
        String pem;
        try {
            pem = Files.readString(sentryAnchorsFile);
            Pem.parseCertificates(pem, sentryAnchorsFile.toString());
        } catch (IOException e) {
            throw new UsageException("--sentry-trust-anchors-file: cannot read " + sentryAnchorsFile + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        } catch (CaException e) {
            throw new UsageException("--sentry-trust-anchors-file: " + e.getMessage());
        }
        return new InjectorSettings.Sentry(sentryAddress, controlPlaneTrustDomain, controlPlaneNamespace, pem);
    }
}
