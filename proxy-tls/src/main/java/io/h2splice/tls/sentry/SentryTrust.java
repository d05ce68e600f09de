package io.h2splice.tls.sentry;

import io.h2splice.tls.ca.Chains;
import io.h2splice.tls.identity.SpiffeId;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * Accepts Sentry's server certificate only when its chain leads to the trust anchors and its SPIFFE id is the one
 * expected of Sentry, as daprd's {@code tlsconfig.AuthorizeID(sentryID)} does; host names are not checked.
 */
final class SentryTrust implements X509TrustManager {

    private final List<X509Certificate> anchors;
    private final SpiffeId expected;

    SentryTrust(List<X509Certificate> anchors, SpiffeId expected) {
        this.anchors = List.copyOf(anchors);
        this.expected = expected;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("Sentry presented no certificate");
        }
        String problem = Chains.problem(List.of(chain), anchors, Instant.now());
        if (problem != null) {
            throw new CertificateException("Sentry's certificate is not trusted (DAPR_TRUST_ANCHORS or "
                    + "--trust-anchors-file): " + problem);
        }
        SpiffeId id;
        try {
            id = SpiffeId.of(chain[0]);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("Sentry's certificate has no SPIFFE id (" + e.getMessage() + ")");
        }
        if (!id.equals(expected)) {
            throw new CertificateException("Sentry's certificate is for " + id + ", expected " + expected
                    + " (--control-plane-trust-domain and --control-plane-namespace)");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client of Sentry does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors.toArray(new X509Certificate[0]);
    }
}
