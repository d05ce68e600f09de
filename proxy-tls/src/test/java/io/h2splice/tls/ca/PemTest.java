package io.h2splice.tls.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.tls.identity.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PEM reading and writing without external tools; {@link OpensslInteropTest} covers files openssl writes. */
class PemTest {

    private static CertificateAuthority ca;
    private static WorkloadCredentials creds;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() throws Exception {
        ca = CertificateAuthority.generate(KeyAlgorithm.EC_P256, KeyAlgorithm.ED25519);
        creds = ca.issue(new SpiffeId("public", "default", "pem"));
    }

    @Test
    void certificatesRoundTripInOrder() throws Exception {
        Path f = dir.resolve("chain.pem");
        Pem.writeCertificates(f, creds.chain());
        String text = Files.readString(f);
        assertTrue(text.startsWith("-----BEGIN CERTIFICATE-----\n") && text.endsWith("-----END CERTIFICATE-----\n"));
        assertTrue(text.lines().allMatch(l -> l.length() <= 64), "64-column base64");
        assertEquals(creds.chain(), Pem.readCertificates(f));
        assertEquals(creds.chain(), Pem.parseCertificates(Pem.encodeCertificates(creds.chain()), "DAPR_TRUST_ANCHORS"));
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void pkcs8KeysRoundTrip(KeyAlgorithm alg) throws Exception {
        KeyPair kp = alg.generate();
        Path f = dir.resolve("key.pem");
        Pem.writePrivateKey(f, kp.getPrivate());
        assertTrue(Files.readString(f).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        PrivateKey back = Pem.readPrivateKey(f);
        assertArrayEquals(kp.getPrivate().getEncoded(), back.getEncoded());
        assertTrue(Keys.matches(back, kp.getPublic()));
        assertEquals(alg, Keys.keyAlgorithm(back));
    }

    @Test
    void writtenKeysArePrivateAndReplaceOldOnes() throws Exception {
        Path f = dir.resolve("key.pem");
        Files.writeString(f, "old");
        Pem.writePrivateKey(f, creds.key());
        assertTrue(Keys.matches(Pem.readPrivateKey(f), creds.leaf().getPublicKey()));
        if (AtomicFiles.posix()) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(f));
            Pem.writeCertificates(dir.resolve("cert.pem"), creds.chain());
            assertTrue(Files.getPosixFilePermissions(dir.resolve("cert.pem")).contains(PosixFilePermission.OWNER_READ));
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of("cert.pem", "key.pem"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left");
        }
    }

    @Test
    void sec1EcKeyWithAndWithoutParametersBlock() throws Exception {
        KeyPair kp = KeyAlgorithm.EC_P256.generate();
        // The JDK's PKCS#8 keeps the curve in the AlgorithmIdentifier, so its inner SEC1 key names none.
        org.bouncycastle.asn1.sec.ECPrivateKey bare = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded()).parsePrivateKey());
        byte[] withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, bare.getKey(),
                org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1).getEncoded();
        PrivateKey k = Pem.parsePrivateKey(block("EC PRIVATE KEY", withCurve), "ec.pem");
        assertTrue(Keys.matches(k, kp.getPublic()));
        assertEquals("ECDSA P-256", Keys.describe(k));
        // As 'openssl ecparam -genkey' writes it: the curve in a block of its own first.
        String withParams = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + block("EC PRIVATE KEY", bare.getEncoded());
        assertTrue(Keys.matches(Pem.parsePrivateKey(withParams, "ec.pem"), kp.getPublic()));
        assertEquals("ec.pem: EC PRIVATE KEY names no curve", assertThrows(CaException.class,
                () -> Pem.parsePrivateKey(block("EC PRIVATE KEY", bare.getEncoded()), "ec.pem")).getMessage());
    }

    @Test
    void ed25519Pkcs8Version2WithThePublicKey() throws Exception {
        KeyPair kp = KeyAlgorithm.ED25519.generate();
        PrivateKeyInfo v1 = PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded());
        byte[] pub = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()).getPublicKeyData().getOctets();
        PrivateKeyInfo v2 = new PrivateKeyInfo(v1.getPrivateKeyAlgorithm(), v1.parsePrivateKey(), null, pub);
        assertEquals(1, v2.getVersion().intValueExact(), "OneAsymmetricKey v2 (RFC 8410), as BouncyCastle writes");
        PrivateKey k = Pem.parsePrivateKey(block("PRIVATE KEY", v2.getEncoded()), "ed.pem");
        assertTrue(Keys.matches(k, kp.getPublic()));
        assertEquals(KeyAlgorithm.ED25519, Keys.keyAlgorithm(k));
    }

    @Test
    void rsaKeysInPkcs8AndPkcs1() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        assertTrue(Keys.matches(Pem.parsePrivateKey(Pem.encodePrivateKey(kp.getPrivate()), "rsa8.pem"),
                kp.getPublic()));
        byte[] pkcs1 = PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive()
                .getEncoded();
        PrivateKey k = Pem.parsePrivateKey(block("RSA PRIVATE KEY", pkcs1), "rsa1.pem");
        assertTrue(Keys.matches(k, kp.getPublic()));
        assertEquals("RSA 2048", Keys.describe(k));
    }

    @Test
    void aKeyAmongCertificatesAndTextAroundBlocks() throws Exception {
        String mixed = "Bag Attributes: from a tool\n" + Pem.encodeCertificates(List.of(creds.leaf()))
                + "some words\n" + Pem.encodePrivateKey(creds.key()) + Pem.encodeCertificates(List.of(
                ca.issuerCertificate())) + "trailing\n";
        assertTrue(Keys.matches(Pem.parsePrivateKey(mixed, "both.pem"), creds.leaf().getPublicKey()));
        assertEquals(List.of(creds.leaf(), ca.issuerCertificate()), Pem.parseCertificates(mixed, "both.pem"));
    }

    @Test
    void aDerCertificateIsReadToo() throws Exception {
        Path f = dir.resolve("leaf.der");
        Files.write(f, creds.leaf().getEncoded());
        assertEquals(List.of(creds.leaf()), Pem.readCertificates(f));
    }

    @Test
    void errorsNameTheFileAndTheProblem() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Pem.writePrivateKey(key, creds.key());
        Pem.writeCertificates(cert, creds.chain());
        assertError(cert + ": no PRIVATE KEY block (found CERTIFICATE)", () -> Pem.readPrivateKey(cert));
        assertError(key + ": no CERTIFICATE block (found PRIVATE KEY)", () -> Pem.readCertificates(key));
        Path missing = dir.resolve("nope.pem");
        assertError(missing + ": no such file", () -> Pem.readCertificates(missing));
        assertError(dir + ": is a directory, not a file", () -> Pem.readPrivateKey(dir));
        assertError("empty.pem: no CERTIFICATE block", () -> Pem.parseCertificates("", "empty.pem"));
        assertError("empty.pem: no PRIVATE KEY block", () -> Pem.parsePrivateKey("\n", "empty.pem"));
        assertError("junk.pem: not a PEM or DER certificate", () -> Pem.parseCertificates("hello", "junk.pem"));
        assertStarts("cut.pem: malformed PEM after 0 block(s)", () -> Pem.parseCertificates(
                "-----BEGIN CERTIFICATE-----\nMIIB\n", "cut.pem"));
        assertStarts("bad.pem: certificate 2 is not a valid X.509 certificate", () -> Pem.parseCertificates(
                Pem.encodeCertificates(List.of(creds.leaf())) + block("CERTIFICATE", new byte[] {1, 2, 3}),
                "bad.pem"));
        assertStarts("bad.pem: PRIVATE KEY is not valid PKCS#8", () -> Pem.parsePrivateKey(
                block("PRIVATE KEY", new byte[] {1, 2, 3}), "bad.pem"));
        assertError("two.pem: more than one private key", () -> Pem.parsePrivateKey(
                Pem.encodePrivateKey(creds.key()) + Pem.encodePrivateKey(creds.key()), "two.pem"));
        assertError("enc.pem: the private key is encrypted; give h2splice an unencrypted key",
                () -> Pem.parsePrivateKey(block("ENCRYPTED PRIVATE KEY", new byte[] {48, 0}), "enc.pem"));
        assertError("legacy.pem: the private key is encrypted; give h2splice an unencrypted key",
                () -> Pem.parsePrivateKey("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                        + "DEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n"
                        + "-----END EC PRIVATE KEY-----\n", "legacy.pem"));
        assertStarts("ssh.pem: unsupported key format OPENSSH PRIVATE KEY", () -> Pem.parsePrivateKey(
                block("OPENSSH PRIVATE KEY", new byte[] {1}), "ssh.pem"));
        String oneLine = assertThrows(CaException.class, () -> Pem.readCertificates(key)).getMessage();
        assertFalse(oneLine.contains("\n"), oneLine);
    }

    @Test
    void keysDescribeThemselves() throws Exception {
        assertEquals("ECDSA P-256", Keys.describe(KeyAlgorithm.EC_P256.generate().getPublic()));
        assertEquals("Ed25519", Keys.describe(KeyAlgorithm.ED25519.generate().getPrivate()));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        KeyPair p384 = g.generateKeyPair();
        assertEquals("ECDSA P-384", Keys.describe(p384.getPublic()));
        assertEquals("SHA384withECDSA", Keys.signatureAlgorithm(p384.getPrivate()));
        assertEquals(null, Keys.keyAlgorithm(p384.getPublic()));
        assertFalse(Keys.matches(KeyAlgorithm.EC_P256.generate().getPrivate(), p384.getPublic()));
        assertFalse(Keys.matches(KeyAlgorithm.ED25519.generate().getPrivate(),
                KeyAlgorithm.EC_P256.generate().getPublic()));
        KeyPair x = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        CaException e = assertThrows(CaException.class, () -> Keys.signatureAlgorithm(x.getPrivate()));
        assertEquals("unsupported key type X25519 (use ECDSA P-256 or Ed25519)", e.getMessage());
        assertStarts("x.pem: unsupported key type X25519", () -> Pem.parsePrivateKey(
                Pem.encodePrivateKey(x.getPrivate()), "x.pem"));
    }

    @Test
    void keyAlgorithmFlags() {
        assertEquals(KeyAlgorithm.EC_P256, KeyAlgorithm.fromFlag("p256"));
        assertEquals(KeyAlgorithm.EC_P256, KeyAlgorithm.fromFlag("P-256"));
        assertEquals(KeyAlgorithm.ED25519, KeyAlgorithm.fromFlag("Ed25519"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyAlgorithm.fromFlag(
                "rsa"));
        assertEquals("unknown key algorithm 'rsa' (use p256 or ed25519)", e.getMessage());
        assertEquals("p256", KeyAlgorithm.EC_P256.flagName());
        assertEquals("Ed25519", KeyAlgorithm.ED25519.toString());
    }

    @Test
    void fingerprintsAreOpensslStyle() {
        X509Certificate c = creds.leaf();
        String fp = Fingerprints.sha256(c);
        assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
    }

    static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void assertError(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(CaException.class, call).getMessage());
    }

    private static void assertStarts(String expected, org.junit.jupiter.api.function.Executable call) {
        String m = assertThrows(CaException.class, call).getMessage();
        assertTrue(m.startsWith(expected), m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }
}
