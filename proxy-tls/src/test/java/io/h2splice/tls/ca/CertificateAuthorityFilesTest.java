package io.h2splice.tls.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.tls.identity.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CA directory: init, load, force, file modes, atomic creation, and every way loading can fail. */
@Timeout(60)
class CertificateAuthorityFilesTest {

    private static final SpiffeId ID = new SpiffeId("public", "default", "client");
    private static final Set<String> FILES = Set.of("root.pem", "root.key", "issuer.pem", "issuer.key");

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void initWritesFourPrivateFilesAndLoadReadsThemBack(KeyAlgorithm alg) throws Exception {
        Path dir = home.resolve("ca");
        CertificateAuthority ca = CertificateAuthority.init(dir, alg, false);
        assertEquals(FILES, names(dir));
        assertEquals(dir, ca.directory().orElseThrow());
        if (AtomicFiles.posix()) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            for (String f : FILES) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        dir.resolve(f))), f);
            }
        }
        for (String key : List.of("root.key", "issuer.key")) {
            String pem = Files.readString(dir.resolve(key));
            assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), key + " is PKCS#8: " + pem);
        }
        assertEquals(Set.of("ca"), names(home), "no staging directory left behind");

        CertificateAuthority loaded = CertificateAuthority.load(dir);
        assertEquals(ca.rootCertificate(), loaded.rootCertificate());
        assertEquals(ca.issuerCertificate(), loaded.issuerCertificate());
        assertEquals(alg, Keys.keyAlgorithm(loaded.issuerCertificate().getPublicKey()));
        WorkloadCredentials c = loaded.issue(ID, KeyAlgorithm.EC_P256, Duration.ofHours(1), Duration.ZERO);
        c.validate(Instant.now());
        assertEquals(ca.trustAnchors(), c.trustAnchors());
    }

    @Test
    void initRefusesToOverwriteWithoutForce() throws Exception {
        Path dir = home.resolve("ca");
        CertificateAuthority first = CertificateAuthority.init(dir, KeyAlgorithm.EC_P256, false);
        byte[] root = Files.readAllBytes(dir.resolve("root.pem"));
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.init(dir, KeyAlgorithm.ED25519,
                false));
        assertEquals("a CA already exists in " + dir + "; use --force to replace it", e.getMessage());
        assertEquals(new String(root, StandardCharsets.US_ASCII), Files.readString(dir.resolve("root.pem")));
        assertEquals(Set.of("ca"), names(home));

        CertificateAuthority second = CertificateAuthority.init(dir, KeyAlgorithm.ED25519, true);
        assertNotEquals(first.rootCertificate(), second.rootCertificate());
        assertEquals(second.rootCertificate(), CertificateAuthority.load(dir).rootCertificate());
        assertEquals(KeyAlgorithm.ED25519, Keys.keyAlgorithm(CertificateAuthority.load(dir).rootCertificate()
                .getPublicKey()));
        assertEquals(FILES, names(dir));
        assertEquals(Set.of("ca"), names(home), "the old CA and the staging directory are gone");
    }

    @Test
    void initIntoAnEmptyExistingDirectoryAndUnderMissingParents() throws Exception {
        Path empty = Files.createDirectory(home.resolve("empty"));
        CertificateAuthority.init(empty, KeyAlgorithm.EC_P256, false);
        assertEquals(FILES, names(empty));
        Path deep = home.resolve("a/b/ca");
        CertificateAuthority.init(deep, KeyAlgorithm.EC_P256, false);
        assertEquals(FILES, names(deep));
    }

    @Test
    void aFileWhereTheDirectoryShouldBe() throws Exception {
        Path file = Files.writeString(home.resolve("ca"), "x");
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.init(file, KeyAlgorithm.EC_P256,
                true));
        assertEquals(file + " is not a directory", e.getMessage());
        e = assertThrows(CaException.class, () -> CertificateAuthority.load(file));
        assertEquals(file + " is not a directory", e.getMessage());
    }

    @Test
    void loadNamesWhatIsMissing() throws Exception {
        Path dir = home.resolve("ca");
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertEquals("no CA in " + dir + " (the directory does not exist)", e.getMessage());
        CertificateAuthority.init(dir, KeyAlgorithm.EC_P256, false);
        Files.delete(dir.resolve("issuer.key"));
        e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertEquals("incomplete CA in " + dir + ": issuer.key is missing", e.getMessage());
    }

    @Test
    void loadNamesACorruptFile() throws Exception {
        Path dir = home.resolve("ca");
        CertificateAuthority.init(dir, KeyAlgorithm.EC_P256, false);
        Files.writeString(dir.resolve("issuer.pem"), "garbage\n");
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertEquals(dir.resolve("issuer.pem") + ": not a PEM or DER certificate", e.getMessage());

        Files.writeString(dir.resolve("issuer.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("issuer.pem") + ": certificate 1 is not a valid X.509 "
                + "certificate"), e.getMessage());

        Files.writeString(dir.resolve("issuer.key"), Files.readString(dir.resolve("root.pem")));
        e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertTrue(e.getMessage().contains("issuer"), e.getMessage());
    }

    @Test
    void loadCatchesKeysAndCertificatesThatDoNotBelongTogether() throws Exception {
        Path dir = home.resolve("ca");
        Path other = home.resolve("other");
        CertificateAuthority.init(dir, KeyAlgorithm.EC_P256, false);
        CertificateAuthority.init(other, KeyAlgorithm.EC_P256, false);

        Files.copy(other.resolve("issuer.key"), dir.resolve("issuer.key"), java.nio.file.StandardCopyOption
                .REPLACE_EXISTING);
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertEquals(dir + ": issuer.key does not belong to issuer.pem", e.getMessage());

        Files.copy(other.resolve("issuer.pem"), dir.resolve("issuer.pem"), java.nio.file.StandardCopyOption
                .REPLACE_EXISTING);
        e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertEquals(dir + ": issuer.pem does not validate against root.pem: certificate 1 (CN=h2splice issuer CA) "
                + "is not issued by any of the trust anchors", e.getMessage());

        Files.copy(other.resolve("root.key"), dir.resolve("root.key"), java.nio.file.StandardCopyOption
                .REPLACE_EXISTING);
        e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertEquals(dir + ": root.key does not belong to root.pem", e.getMessage());
        Files.delete(dir.resolve("root.key"));

        Files.copy(other.resolve("root.pem"), dir.resolve("root.pem"), java.nio.file.StandardCopyOption
                .REPLACE_EXISTING);
        CertificateAuthority.load(dir); // now all of 'other' but its root key, which may stay offline
    }

    @Test
    void aCaWithSeveralRootsAnIntermediateAndNoRootKeyLoads() throws Exception {
        // root.pem = [unrelated root B, root A]; issuer.pem = [issuer, intermediate]; root A -> intermediate -> issuer.
        Instant from = Instant.now().minus(Duration.ofMinutes(1));
        Instant to = from.plus(Duration.ofDays(30));
        KeyPair rootKp = KeyAlgorithm.ED25519.generate();
        X509Certificate rootA = Certificates.root(rootKp.getPublic(), rootKp.getPrivate(), from, to);
        KeyPair midKp = KeyAlgorithm.EC_P256.generate();
        X509Certificate mid = intermediate(midKp, rootA, rootKp, from, to);
        KeyPair issuerKp = KeyAlgorithm.EC_P256.generate();
        X509Certificate issuer = Certificates.issuer(issuerKp.getPublic(), mid, midKp.getPrivate(), from, to);
        CertificateAuthority rootB = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P256);

        Path dir = Files.createDirectory(home.resolve("ca"));
        Pem.writeCertificates(dir.resolve("root.pem"), List.of(rootB.rootCertificate(), rootA));
        Pem.writeCertificates(dir.resolve("issuer.pem"), List.of(issuer, mid));
        Pem.writePrivateKey(dir.resolve("issuer.key"), issuerKp.getPrivate());
        CertificateAuthority ca = CertificateAuthority.load(dir);
        assertEquals(List.of(rootB.rootCertificate(), rootA), ca.trustAnchors());
        assertEquals(issuer, ca.issuerCertificate());
        WorkloadCredentials c = ca.issue(ID, KeyAlgorithm.ED25519, Duration.ofHours(1), Duration.ZERO);
        assertEquals(List.of(c.leaf(), issuer, mid), c.chain());
        c.validate(Instant.now());
        WorkloadProfileTest.pkix(c.chain(), rootA, new java.util.Date());
    }

    /** A CA certificate with path length 1, which {@link Certificates} never makes: built here with bcpkix. */
    private static X509Certificate intermediate(KeyPair kp, X509Certificate root, KeyPair rootKp, Instant from,
            Instant to) throws Exception {
        org.bouncycastle.cert.X509v3CertificateBuilder b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                root, java.math.BigInteger.TEN, java.util.Date.from(from), java.util.Date.from(to),
                new javax.security.auth.x500.X500Principal("CN=intermediate"), kp.getPublic())
                .addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
                        new org.bouncycastle.asn1.x509.BasicConstraints(1))
                .addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                        new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign));
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(b.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("Ed25519").build(rootKp.getPrivate())));
    }

    @Test
    void expiredIssuerIsAClearLoadError() throws Exception {
        KeyPair rootKp = KeyAlgorithm.EC_P256.generate();
        Instant now = Instant.now();
        X509Certificate root = Certificates.root(rootKp.getPublic(), rootKp.getPrivate(), now.minus(
                Duration.ofDays(10)), now.plus(Duration.ofDays(10)));
        KeyPair issuerKp = KeyAlgorithm.EC_P256.generate();
        X509Certificate issuer = Certificates.issuer(issuerKp.getPublic(), root, rootKp.getPrivate(), now.minus(
                Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        Path dir = Files.createDirectory(home.resolve("ca"));
        Pem.writeCertificates(dir.resolve("root.pem"), List.of(root));
        Pem.writeCertificates(dir.resolve("issuer.pem"), List.of(issuer));
        Pem.writePrivateKey(dir.resolve("issuer.key"), issuerKp.getPrivate());
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.load(dir));
        assertTrue(e.getMessage().contains("issuer.pem does not validate against root.pem: certificate 1 "
                + "(CN=h2splice issuer CA) expired at " + issuer.getNotAfter().toInstant()), e.getMessage());
    }

    @Test
    void aShortLivedIssuerCutsWorkloadCertificates() throws Exception {
        KeyPair rootKp = KeyAlgorithm.EC_P256.generate();
        Instant now = Instant.now();
        X509Certificate root = Certificates.root(rootKp.getPublic(), rootKp.getPrivate(), now.minus(
                Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        KeyPair issuerKp = KeyAlgorithm.ED25519.generate();
        X509Certificate issuer = Certificates.issuer(issuerKp.getPublic(), root, rootKp.getPrivate(), now.minus(
                Duration.ofDays(1)), now.plus(Duration.ofHours(2)));
        Path dir = Files.createDirectory(home.resolve("ca"));
        Pem.writeCertificates(dir.resolve("root.pem"), List.of(root));
        Pem.writeCertificates(dir.resolve("issuer.pem"), List.of(issuer));
        Pem.writePrivateKey(dir.resolve("issuer.key"), issuerKp.getPrivate());
        Pem.writePrivateKey(dir.resolve("root.key"), rootKp.getPrivate());
        WorkloadCredentials c = CertificateAuthority.load(dir).issue(ID);
        assertEquals(issuer.getNotAfter().toInstant(), c.notAfter());
        assertEquals("Ed25519", c.leaf().getSigAlgName(), "a P-256 root over an Ed25519 issuer");
        c.validate(Instant.now());
    }

    @Test
    void loadOrInitCreatesOnceThenLoads() throws Exception {
        Path dir = home.resolve("ca");
        CertificateAuthority first = CertificateAuthority.loadOrInit(dir, KeyAlgorithm.EC_P256);
        CertificateAuthority again = CertificateAuthority.loadOrInit(dir, KeyAlgorithm.ED25519);
        assertEquals(first.rootCertificate(), again.rootCertificate());
    }

    @Test
    void concurrentLoadOrInitYieldsOneCa() throws Exception {
        int n = 8;
        for (int round = 0; round < 5; round++) {
            Path dir = home.resolve("round" + round).resolve("ca");
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<CertificateAuthority>> futures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Callable<CertificateAuthority> task = () -> {
                        go.await();
                        return CertificateAuthority.loadOrInit(dir, KeyAlgorithm.EC_P256);
                    };
                    futures.add(pool.submit(task));
                }
                go.countDown();
                Set<String> roots = new java.util.HashSet<>();
                for (Future<CertificateAuthority> f : futures) {
                    roots.add(Fingerprints.sha256(f.get().rootCertificate()));
                }
                assertEquals(1, roots.size(), "round " + round + ": " + roots);
                assertEquals(roots, Set.of(Fingerprints.sha256(CertificateAuthority.load(dir).rootCertificate())));
                assertEquals(FILES, names(dir));
                assertEquals(Set.of("ca"), names(dir.getParent()), "no staging directories left behind");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void concurrentInitWithoutForceHasOneWinner() throws Exception {
        Path dir = home.resolve("ca");
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CertificateAuthority>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return CertificateAuthority.init(dir, KeyAlgorithm.EC_P256, false);
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<CertificateAuthority> f : futures) {
                try {
                    f.get();
                    won++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof CaException, String.valueOf(e.getCause()));
                    assertTrue(e.getCause().getMessage().startsWith("a CA already exists"), e.getCause().getMessage());
                }
            }
            assertEquals(1, won);
            assertEquals(Set.of("ca"), names(home));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNonEmptyDirectoryWithoutACaIsNotOverwrittenByLoadOrInit() throws Exception {
        Path dir = Files.createDirectory(home.resolve("ca"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.loadOrInit(dir,
                KeyAlgorithm.EC_P256));
        assertEquals("incomplete CA in " + dir + ": root.pem is missing", e.getMessage());
        assertEquals(Set.of("notes.txt"), names(dir));
    }

    private static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
