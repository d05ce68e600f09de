package io.h2splice.tls.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2splice.tls.identity.SpiffeId;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** {@link SpiffeId#of} on certificates the CA issues and on ones it never would. */
class SpiffeIdOfCertificateTest {

    @Test
    void theCasCertificatesCarryTheIdAsked() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.ED25519, KeyAlgorithm.ED25519);
        SpiffeId id = SpiffeId.parse("spiffe://example.org/ns/prod-1/order_service.v2");
        assertEquals(id, SpiffeId.of(ca.issue(id).leaf()));
        assertEquals("/ns/prod-1/order_service.v2", id.path());
    }

    @Test
    void otherSansAreIgnoredButTwoSpiffeIdsOrNoneAreErrors() throws Exception {
        assertEquals(SpiffeId.parse("spiffe://td/ns/a/b"), SpiffeId.of(cert(
                new GeneralName(GeneralName.dNSName, "b.example"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "https://example/x"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://td/ns/a/b"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.of(cert(
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://td/ns/a/b"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://td/ns/a/c"))));
        assertEquals("certificate has more than one SPIFFE id", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.of(cert(
                new GeneralName(GeneralName.dNSName, "b.example"))));
        assertEquals("certificate has no SPIFFE id (no spiffe:// URI SAN)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.of(cert(
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://td/workload"))));
        assertEquals("SPIFFE id path is not /ns/<namespace>/<app-id>: spiffe://td/workload", e.getMessage());
    }

    private static X509Certificate cert(GeneralName... sans) throws Exception {
        KeyPair kp = KeyAlgorithm.EC_P256.generate();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal("CN=test"), BigInteger.ONE,
                Date.from(now), Date.from(now.plus(Duration.ofHours(1))), new X500Principal("CN=test"),
                kp.getPublic()).addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(
                "SHA256withECDSA").build(kp.getPrivate())));
    }
}
