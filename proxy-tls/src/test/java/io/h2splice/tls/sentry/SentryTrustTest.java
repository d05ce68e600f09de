package io.h2splice.tls.sentry;

import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.identity.SpiffeId;
import org.junit.jupiter.api.Test;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sentry's server certificate is accepted only with its own SPIFFE id and a chain to the trust anchors. */
class SentryTrustTest {

    private static final SpiffeId SENTRY = new SpiffeId("localhost", "default", "dapr-sentry");

    @Test
    void sentrysOwnIdChainedToTheAnchorsIsAccepted() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.ED25519, KeyAlgorithm.ED25519);
        WorkloadCredentials sentry = ca.issue(SENTRY);
        SentryTrust trust = new SentryTrust(List.of(ca.rootCertificate()), SENTRY);
        assertDoesNotThrow(() -> trust.checkServerTrusted(chain(sentry), "UNKNOWN"));
        assertEquals(List.of(ca.rootCertificate()), List.of(trust.getAcceptedIssuers()));
    }

    @Test
    void anotherIdIsRefusedNamingBothAndTheFlags() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        WorkloadCredentials other = ca.issue(new SpiffeId("cluster.local", "dapr-system", "dapr-sentry"));
        CertificateException e = assertThrows(CertificateException.class,
                () -> new SentryTrust(List.of(ca.rootCertificate()), SENTRY).checkServerTrusted(chain(other), "EC"));
        assertEquals("Sentry's certificate is for spiffe://cluster.local/ns/dapr-system/dapr-sentry, expected "
                + "spiffe://localhost/ns/default/dapr-sentry (--control-plane-trust-domain and "
                + "--control-plane-namespace)", e.getMessage());
    }

    @Test
    void aChainToOtherAnchorsIsRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        CertificateAuthority elsewhere = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        WorkloadCredentials sentry = ca.issue(SENTRY);
        CertificateException e = assertThrows(CertificateException.class,
                () -> new SentryTrust(List.of(elsewhere.rootCertificate()), SENTRY)
                        .checkServerTrusted(chain(sentry), "EC"));
        assertTrue(e.getMessage().startsWith("Sentry's certificate is not trusted (DAPR_TRUST_ANCHORS or "
                + "--trust-anchors-file): "), e.getMessage());
        assertTrue(e.getMessage().endsWith("is not issued by any of the trust anchors"), e.getMessage());
    }

    private static X509Certificate[] chain(WorkloadCredentials c) {
        return c.chain().toArray(new X509Certificate[0]);
    }
}
