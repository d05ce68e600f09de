package io.h2splice.tls.sentry;

import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.identity.SpiffeId;
import io.netty.util.NetUtil;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * How this sidecar asks Dapr's Sentry for its certificate, as daprd's flags and environment say it.
 *
 * @param host            Sentry's host ({@code --sentry-address})
 * @param port            Sentry's port
 * @param sentryId        the SPIFFE id Sentry's certificate must carry:
 *                        {@code spiffe://<--control-plane-trust-domain>/ns/<--control-plane-namespace>/dapr-sentry}
 * @param anchors         the trust anchors ({@code DAPR_TRUST_ANCHORS} or {@code --trust-anchors-file}), read for
 *                        each request
 * @param requestId       the id asked for: the app id, or {@code SENTRY_LOCAL_IDENTITY}
 * @param namespace       the sidecar's namespace ({@code NAMESPACE}, else {@code default})
 * @param tokenFile       the identity token sent with each request, read each time (projected tokens rotate); null
 *                        for none (self-hosted: Sentry's insecure validator)
 * @param kubernetesToken the token is a Kubernetes service-account token (validator {@code KUBERNETES}), not a JWT
 *                        for Sentry's JWKS validator
 * @param keyAlgorithm    the sidecar's key type
 */
public record SentrySettings(String host, int port, SpiffeId sentryId, Anchors anchors, String requestId,
                             String namespace, Path tokenFile, boolean kubernetesToken, KeyAlgorithm keyAlgorithm) {

    /** Where the trust anchors come from; may read a file. */
    @FunctionalInterface
    public interface Anchors {
        List<X509Certificate> load() throws CaException;
    }

    public SentrySettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(sentryId, "sentryId");
        Objects.requireNonNull(anchors, "anchors");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
    }

    /** {@code host:port}, as in messages. */
    public String address() {
        return NetUtil.toSocketAddressString(host, port);
    }
}
