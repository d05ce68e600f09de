package io.h2splice.tls.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.tls.identity.SpiffeId;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The workload certificate profile of COMPAT.md, read back field by field with the JDK's own X.509 parser. */
@Timeout(60)
class WorkloadProfileTest {

    private static final SpiffeId ID = new SpiffeId("public", "default", "server");
    private static final String SAN = "2.5.29.17";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String SKI = "2.5.29.14";
    private static final String AKI = "2.5.29.35";

    /** Every mix of root, issuer and workload key: P-256 and Ed25519 both ways. */
    static Stream<Arguments> algorithms() {
        List<Arguments> out = new ArrayList<>();
        for (KeyAlgorithm root : KeyAlgorithm.values()) {
            for (KeyAlgorithm issuer : KeyAlgorithm.values()) {
                for (KeyAlgorithm leaf : KeyAlgorithm.values()) {
                    out.add(Arguments.of(root, issuer, leaf));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "root {0}, issuer {1}, workload {2}")
    @MethodSource("algorithms")
    void workloadCertificateFieldByField(KeyAlgorithm rootAlg, KeyAlgorithm issuerAlg, KeyAlgorithm leafAlg)
            throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(rootAlg, issuerAlg);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        WorkloadCredentials creds = ca.issue(ID, leafAlg, CertificateAuthority.DEFAULT_TTL,
                CertificateAuthority.DEFAULT_BACKDATE);
        Instant after = Instant.now();
        X509Certificate leaf = creds.leaf();

        assertEquals(3, leaf.getVersion());
        // The SPIFFE id is the only SAN, a URI, critical because the subject is empty (RFC 5280 4.2.1.6).
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        assertEquals(1, sans.size(), String.valueOf(sans));
        List<?> san = sans.iterator().next();
        assertEquals(6, san.get(0), "uniformResourceIdentifier");
        assertEquals("spiffe://public/ns/default/server", san.get(1));
        assertTrue(leaf.getCriticalExtensionOIDs().contains(SAN));
        // No subject at all: an empty RDN sequence, so no CN.
        assertEquals("", leaf.getSubjectX500Principal().getName());
        assertArrayEquals(new byte[] {0x30, 0x00}, leaf.getSubjectX500Principal().getEncoded());
        // KeyUsage: digitalSignature only, critical.
        boolean[] ku = leaf.getKeyUsage();
        assertTrue(ku[0], "digitalSignature");
        for (int i = 1; i < ku.length; i++) {
            assertFalse(ku[i], "key usage bit " + i);
        }
        assertTrue(leaf.getCriticalExtensionOIDs().contains(KEY_USAGE));
        // ExtKeyUsage: serverAuth + clientAuth.
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
        // Basic constraints present, CA:false, critical.
        assertEquals(-1, leaf.getBasicConstraints());
        assertNotNull(leaf.getExtensionValue(BASIC_CONSTRAINTS));
        assertTrue(leaf.getCriticalExtensionOIDs().contains(BASIC_CONSTRAINTS));
        // Validity: now - 15 min .. now + 24 h.
        Instant nb = leaf.getNotBefore().toInstant();
        Instant na = leaf.getNotAfter().toInstant();
        assertTrue(!nb.isBefore(before.minus(Duration.ofMinutes(15))) && !nb.isAfter(after.minus(
                Duration.ofMinutes(15))), "notBefore " + nb);
        assertTrue(!na.isBefore(before.plus(Duration.ofHours(24))) && !na.isAfter(after.plus(Duration.ofHours(24))),
                "notAfter " + na);
        // Serial: positive, at most 128 bits.
        BigInteger serial = leaf.getSerialNumber();
        assertTrue(serial.signum() > 0 && serial.bitLength() <= 128, serial.toString(16));
        // Key identifiers: SKI present, AKI = the issuer's SKI.
        assertNotNull(leaf.getExtensionValue(SKI));
        assertArrayEquals(ski(ca.issuerCertificate()), aki(leaf));
        assertArrayEquals(ski(ca.rootCertificate()), aki(ca.issuerCertificate()));
        // The key is the workload's, and the issuer's key signed it.
        assertEquals(creds.key().getAlgorithm().equals("EC") ? "EC" : "EdDSA", leaf.getPublicKey().getAlgorithm());
        assertEquals(leafAlg, Keys.keyAlgorithm(leaf.getPublicKey()));
        assertTrue(Keys.matches(creds.key(), leaf.getPublicKey()));
        assertEquals(issuerAlg == KeyAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA", leaf.getSigAlgName());
        leaf.verify(ca.issuerCertificate().getPublicKey());
        assertEquals(ca.issuerCertificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());

        // Chain = leaf, issuer; anchors = root; PKIX validates it.
        assertEquals(List.of(leaf, ca.issuerCertificate()), creds.chain());
        assertEquals(List.of(ca.rootCertificate()), creds.trustAnchors());
        pkix(creds.chain(), ca.rootCertificate(), new Date());
        creds.validate(Instant.now());
        assertEquals(ID, creds.spiffeId());
        assertEquals(nb, creds.notBefore());
        assertEquals(na, creds.notAfter());
    }

    @ParameterizedTest
    @MethodSource("caAlgorithms")
    void rootAndIssuerProfiles(KeyAlgorithm alg) throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateAuthority ca = CertificateAuthority.generate(alg, alg);
        X509Certificate root = ca.rootCertificate();
        X509Certificate issuer = ca.issuerCertificate();

        assertEquals("CN=h2splice root CA", root.getSubjectX500Principal().getName());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
        root.verify(root.getPublicKey());
        assertEquals(Integer.MAX_VALUE, root.getBasicConstraints(), "CA:true without a path length limit");
        assertTrue(root.getCriticalExtensionOIDs().containsAll(Set.of(BASIC_CONSTRAINTS, KEY_USAGE)));
        assertCaKeyUsage(root);

        assertEquals("CN=h2splice issuer CA", issuer.getSubjectX500Principal().getName());
        assertEquals(root.getSubjectX500Principal(), issuer.getIssuerX500Principal());
        issuer.verify(root.getPublicKey());
        assertEquals(0, issuer.getBasicConstraints(), "CA:true, path length 0");
        assertTrue(issuer.getCriticalExtensionOIDs().containsAll(Set.of(BASIC_CONSTRAINTS, KEY_USAGE)));
        assertCaKeyUsage(issuer);
        assertNotEquals(root.getSerialNumber(), issuer.getSerialNumber());

        for (X509Certificate c : List.of(root, issuer)) {
            Duration life = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
            assertEquals(Duration.ofDays(365).plus(Duration.ofMinutes(15)), life, "365 days, back-dated 15 min");
            assertFalse(c.getNotAfter().toInstant().isBefore(before.plus(Duration.ofDays(365))));
            assertEquals(alg, Keys.keyAlgorithm(c.getPublicKey()));
        }
        assertEquals(List.of(root), ca.trustAnchors());
        assertTrue(ca.directory().isEmpty());
    }

    static Stream<KeyAlgorithm> caAlgorithms() {
        return Stream.of(KeyAlgorithm.values());
    }

    @Test
    void anotherCasRootDoesNotValidateTheChain() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        CertificateAuthority other = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        WorkloadCredentials creds = ca.issue(ID);
        assertThrows(CertPathValidatorException.class,
                () -> pkix(creds.chain(), other.rootCertificate(), new Date()));
        WorkloadCredentials mixed = new WorkloadCredentials(creds.key(), creds.chain(), other.trustAnchors());
        CaException e = assertThrows(CaException.class, () -> mixed.validate(Instant.now()));
        assertTrue(e.getMessage().contains("not issued by any of the trust anchors"), e.getMessage());
    }

    @Test
    void explicitValidityMakesExpiredAndFutureCertificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        Instant now = Instant.now();
        WorkloadCredentials expired = ca.issue(ID, KeyAlgorithm.EC_P256, now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofHours(1)));
        assertEquals(now.minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS), expired.notAfter());
        CaException e = assertThrows(CaException.class, () -> expired.validate(Instant.now()));
        assertTrue(e.getMessage().contains("spiffe://public/ns/default/server") && e.getMessage().contains(
                "expired at"), e.getMessage());
        CertPathValidatorException pe = assertThrows(CertPathValidatorException.class,
                () -> pkix(expired.chain(), ca.rootCertificate(), new Date()));
        assertEquals(CertPathValidatorException.BasicReason.EXPIRED, pe.getReason());

        WorkloadCredentials future = ca.issue(ID, KeyAlgorithm.ED25519, now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofHours(2)));
        e = assertThrows(CaException.class, () -> future.validate(Instant.now()));
        assertTrue(e.getMessage().contains("is not valid before"), e.getMessage());
        future.validate(now.plus(Duration.ofMinutes(90)));

        assertThrows(IllegalArgumentException.class, () -> ca.sign(ID, future.leaf().getPublicKey(), now, now));
    }

    @Test
    void badDurationsAreRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        KeyPair kp = KeyAlgorithm.EC_P256.generate();
        assertThrows(IllegalArgumentException.class, () -> ca.sign(ID, kp.getPublic(), Duration.ZERO,
                Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ca.sign(ID, kp.getPublic(), Duration.ofHours(-1),
                Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ca.sign(ID, kp.getPublic(), Duration.ofHours(1),
                Duration.ofMinutes(-1)));
        X509Certificate noBackdate = ca.sign(ID, kp.getPublic(), Duration.ofMinutes(5), Duration.ZERO);
        assertEquals(Duration.ofMinutes(5), Duration.between(noBackdate.getNotBefore().toInstant(),
                noBackdate.getNotAfter().toInstant()).truncatedTo(ChronoUnit.MINUTES));
    }

    @Test
    void aTtlBeyondTheIssuerIsCutAtTheIssuersExpiry() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        X509Certificate c = ca.sign(ID, KeyAlgorithm.EC_P256.generate().getPublic(), Duration.ofDays(1000),
                Duration.ZERO);
        assertEquals(ca.issuerCertificate().getNotAfter(), c.getNotAfter());
        pkix(List.of(c, ca.issuerCertificate()), ca.rootCertificate(), new Date());
    }

    @Test
    void validateCatchesAKeyThatIsNotTheLeafsAndACaAsLeaf() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        WorkloadCredentials a = ca.issue(ID);
        WorkloadCredentials b = ca.issue(ID);
        CaException e = assertThrows(CaException.class, () -> new WorkloadCredentials(b.key(), a.chain(),
                a.trustAnchors()).validate(Instant.now()));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertFalse(a.toString().contains(String.valueOf(a.key())), "toString leaves the key out: " + a);
        assertTrue(a.toString().contains("spiffe://public/ns/default/server"), a.toString());
    }

    @Test
    void serialsAreRandom() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);
        KeyPair kp = KeyAlgorithm.EC_P256.generate();
        Set<BigInteger> serials = new HashSet<>();
        int max = 0;
        for (int i = 0; i < 50; i++) {
            BigInteger s = ca.sign(ID, kp.getPublic(), Duration.ofHours(1), Duration.ZERO).getSerialNumber();
            serials.add(s);
            max = Math.max(max, s.bitLength());
        }
        assertEquals(50, serials.size());
        assertTrue(max > 120, "128-bit serials, longest " + max + " bits");
    }

    @Test
    void signsFromManyThreadsAtOnce() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.ED25519);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<WorkloadCredentials>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                SpiffeId id = new SpiffeId("public", "ns" + (i % 3), "app" + i);
                KeyAlgorithm alg = KeyAlgorithm.values()[i % 2];
                futures.add(pool.submit(() -> ca.issue(id, alg, Duration.ofHours(1), Duration.ofMinutes(1))));
            }
            Set<BigInteger> serials = new HashSet<>();
            for (int i = 0; i < futures.size(); i++) {
                WorkloadCredentials c = futures.get(i).get();
                c.validate(Instant.now());
                assertEquals("app" + i, c.spiffeId().appId());
                serials.add(c.leaf().getSerialNumber());
            }
            assertEquals(64, serials.size());
        } finally {
            pool.shutdownNow();
        }
    }

    static void pkix(List<X509Certificate> chain, X509Certificate root, Date at) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(at);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain),
                params);
    }

    private static void assertCaKeyUsage(X509Certificate c) {
        boolean[] ku = c.getKeyUsage();
        assertFalse(ku[0], "no digitalSignature on a CA");
        assertTrue(ku[5], "keyCertSign");
        assertTrue(ku[6], "cRLSign");
    }

    private static byte[] ski(X509Certificate c) {
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue(SKI)).getOctets())
                .getKeyIdentifier();
    }

    private static byte[] aki(X509Certificate c) {
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue(AKI)).getOctets())
                .getKeyIdentifier();
    }
}
