package io.h2splice.cli.run;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.cli.config.HostPort;
import io.h2splice.tls.identity.SpiffeId;
import io.netty.util.NetUtil;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dapr's Sentry as this sidecar's CA ({@code --sentry-address}), with what daprd reads beside it
 * ({@code pkg/security/sentry.go}, {@code token.go}, {@code cmd/daprd/options}).
 *
 * @param host            Sentry's host
 * @param port            Sentry's port
 * @param sentryId        the SPIFFE id Sentry must present: {@code --control-plane-trust-domain} (else
 *                        {@code DAPR_CONTROLPLANE_TRUST_DOMAIN}, else {@code localhost}) and
 *                        {@code --control-plane-namespace} (else {@code DAPR_CONTROLPLANE_NAMESPACE}, else
 *                        {@code default}), app {@code dapr-sentry}
 * @param tokenFile       {@code DAPR_SENTRY_TOKEN_FILE}; in Kubernetes mode else the projected token daprd reads,
 *                        when it exists; else null (no token: Sentry's insecure validator, self-hosted)
 * @param kubernetesToken the token is checked by Sentry's Kubernetes validator (Kubernetes mode), not its JWKS one
 * @param localIdentity   {@code SENTRY_LOCAL_IDENTITY}: the id to ask for instead of the app id, or null
 */
record SentrySource(String host, int port, SpiffeId sentryId, Path tokenFile, boolean kubernetesToken,
                    String localIdentity) {

    /** Where daprd's injector mounts the projected service-account token with Sentry's audience. */
    static final Path KUBERNETES_TOKEN = Path.of("/var/run/secrets/dapr.io/sentrytoken/token");
    /** The service-account token daprd falls back to for an older control plane. */
    static final Path LEGACY_KUBERNETES_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /** @return null without {@code --sentry-address} */
    static SentrySource from(RunCommand f, CliEnv env, boolean kubernetes) {
        if (f.sentryAddress == null) {
            if (f.controlPlaneTrustDomain != null || f.controlPlaneNamespace != null) {
                throw new UsageException("--control-plane-trust-domain and --control-plane-namespace name Sentry's "
                        + "identity: they need --sentry-address");
            }
            return null;
        }
        HostPort.Parsed address;
        try {
            address = HostPort.parse(f.sentryAddress);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sentry-address: " + e.getMessage());
        }
        String td = first(f.controlPlaneTrustDomain, env.vars().get("DAPR_CONTROLPLANE_TRUST_DOMAIN"), "localhost");
        String ns = first(f.controlPlaneNamespace, env.vars().get("DAPR_CONTROLPLANE_NAMESPACE"), "default");
        SpiffeId sentryId;
        try {
            sentryId = new SpiffeId(td, ns, "dapr-sentry");
        } catch (IllegalArgumentException e) {
            throw new UsageException("Sentry's identity (--control-plane-trust-domain '" + td
                    + "', --control-plane-namespace '" + ns + "'): " + e.getMessage());
        }
        Path token = null;
        String tokenEnv = env.vars().get("DAPR_SENTRY_TOKEN_FILE");
        if (tokenEnv != null) {
            if (tokenEnv.isEmpty()) {
                throw new UsageException("DAPR_SENTRY_TOKEN_FILE is set with an empty value");
            }
            token = Path.of(tokenEnv);
        } else if (kubernetes) {
            token = Files.exists(KUBERNETES_TOKEN) ? KUBERNETES_TOKEN
                    : Files.exists(LEGACY_KUBERNETES_TOKEN) ? LEGACY_KUBERNETES_TOKEN : null;
        }
        String local = env.vars().get("SENTRY_LOCAL_IDENTITY");
        return new SentrySource(address.host(), address.port(), sentryId, token, kubernetes,
                local == null || local.isEmpty() ? null : local);
    }

    private static String first(String flag, String env, String fallback) {
        return flag != null ? flag : env != null && !env.isEmpty() ? env : fallback;
    }

    /** {@code host:port}. */
    String address() {
        return NetUtil.toSocketAddressString(host, port);
    }
}
