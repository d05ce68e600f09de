package io.h2splice.tls.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.h2splice.tls.identity.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files written by {@code openssl} (as cert-manager, SPIRE and operators make them) load, and what h2splice writes
 * passes {@code openssl verify}. Skipped, with a message, when there is no {@code openssl} on the PATH.
 */
@Timeout(120)
class OpensslInteropTest {

    private static boolean available;

    @TempDir
    Path dir;

    @BeforeAll
    static void probe() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            available = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            available = false;
        }
    }

    @Test
    void ed25519KeyAndCertificateFromOpenssl() throws Exception {
        openssl("genpkey", "-algorithm", "ed25519", "-out", "key.pem");
        openssl("req", "-x509", "-new", "-key", "key.pem", "-subj", "/CN=openssl", "-days", "1", "-out", "cert.pem");
        PrivateKey key = Pem.readPrivateKey(dir.resolve("key.pem"));
        X509Certificate cert = Pem.readCertificates(dir.resolve("cert.pem")).get(0);
        assertEquals(KeyAlgorithm.ED25519, Keys.keyAlgorithm(key));
        assertTrue(Keys.matches(key, cert.getPublicKey()));
        assertEquals("Ed25519", cert.getSigAlgName());
    }

    @Test
    void sec1EcKeyWithItsParametersBlockFromOpenssl() throws Exception {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "key.pem");
        assertTrue(Files.readString(dir.resolve("key.pem")).contains("-----BEGIN EC PARAMETERS-----"));
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "bare.pem");
        assertTrue(Files.readString(dir.resolve("bare.pem")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        for (String f : List.of("key.pem", "bare.pem")) {
            openssl("req", "-x509", "-new", "-key", f, "-subj", "/CN=ec", "-days", "1", "-out", f + ".crt");
            PrivateKey key = Pem.readPrivateKey(dir.resolve(f));
            assertEquals(KeyAlgorithm.EC_P256, Keys.keyAlgorithm(key), f);
            assertTrue(Keys.matches(key, Pem.readCertificates(dir.resolve(f + ".crt")).get(0).getPublicKey()), f);
        }
    }

    @Test
    void pkcs8EcAndRsaKeysFromOpenssl() throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec8.pem");
        openssl("genrsa", "-out", "rsa8.pem", "2048");
        openssl("rsa", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem");
        assertTrue(Files.readString(dir.resolve("rsa1.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertEquals("ECDSA P-256", Keys.describe(Pem.readPrivateKey(dir.resolve("ec8.pem"))));
        assertEquals("RSA 2048", Keys.describe(Pem.readPrivateKey(dir.resolve("rsa8.pem"))));
        assertEquals("RSA 2048", Keys.describe(Pem.readPrivateKey(dir.resolve("rsa1.pem"))));
    }

    @Test
    void encryptedAndKeyAgreementKeysFromOpensslAreRefusedClearly() throws Exception {
        openssl("genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret", "-out", "enc.pem");
        openssl("genpkey", "-algorithm", "x25519", "-out", "x.pem");
        CaException e = org.junit.jupiter.api.Assertions.assertThrows(CaException.class,
                () -> Pem.readPrivateKey(dir.resolve("enc.pem")));
        assertEquals(dir.resolve("enc.pem") + ": the private key is encrypted; give h2splice an unencrypted key",
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(CaException.class,
                () -> Pem.readPrivateKey(dir.resolve("x.pem")));
        assertEquals(dir.resolve("x.pem") + ": unsupported key type X25519 (a key-agreement key cannot sign)",
                e.getMessage());
    }

    /** A cert-manager- or SPIRE-style chain made by openssl: an Ed25519 root and a SPIFFE leaf, empty subject. */
    @Test
    void aSpiffeChainMadeByOpensslValidates() throws Exception {
        openssl("genpkey", "-algorithm", "ed25519", "-out", "root.key");
        openssl("req", "-x509", "-new", "-key", "root.key", "-subj", "/O=cluster.local", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", "root.pem");
        openssl("genpkey", "-algorithm", "ed25519", "-out", "tls.key");
        openssl("req", "-new", "-key", "tls.key", "-subj", "/", "-out", "tls.csr");
        Files.writeString(dir.resolve("ext.cnf"), String.join("\n",
                "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature",
                "extendedKeyUsage=serverAuth,clientAuth",
                "subjectAltName=critical,URI:spiffe://cluster.local/ns/prod/server", ""));
        openssl("x509", "-req", "-in", "tls.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "7",
                "-days", "1", "-extfile", "ext.cnf", "-out", "tls.crt");
        WorkloadCredentials c = new WorkloadCredentials(Pem.readPrivateKey(dir.resolve("tls.key")),
                Pem.readCertificates(dir.resolve("tls.crt")), Pem.readCertificates(dir.resolve("root.pem")));
        c.validate(Instant.now());
        assertEquals(new SpiffeId("cluster.local", "prod", "server"), c.spiffeId());
    }

    /** What h2splice's CA writes, openssl reads and verifies for both TLS purposes. */
    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void opensslVerifiesWhatTheCaIssues(KeyAlgorithm alg) throws Exception {
        assumeTrue(available, "openssl is not on the PATH: skipping the openssl interop tests");
        CertificateAuthority ca = CertificateAuthority.init(dir.resolve("ca"), alg, false);
        WorkloadCredentials c = ca.issue(new SpiffeId("public", "default", "server"), alg,
                CertificateAuthority.DEFAULT_TTL, CertificateAuthority.DEFAULT_BACKDATE);
        Pem.writeCertificates(dir.resolve("leaf.pem"), List.of(c.leaf()));
        Pem.writePrivateKey(dir.resolve("leaf.key"), c.key());
        for (String purpose : List.of("sslserver", "sslclient")) {
            String out = openssl("verify", "-purpose", purpose, "-CAfile", "ca/root.pem", "-untrusted",
                    "ca/issuer.pem", "leaf.pem");
            assertTrue(out.contains("leaf.pem: OK"), out);
        }
        String text = openssl("x509", "-in", "leaf.pem", "-noout", "-text");
        assertTrue(text.contains("URI:spiffe://public/ns/default/server"), text);
        assertTrue(text.contains("X509v3 Key Usage: critical\n                Digital Signature\n"), text);
        assertTrue(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        // openssl reads both keys and agrees they belong to their certificates.
        for (String[] pair : new String[][] {{"leaf.key", "leaf.pem"}, {"ca/issuer.key", "ca/issuer.pem"},
                {"ca/root.key", "ca/root.pem"}}) {
            String fromKey = openssl("pkey", "-in", pair[0], "-pubout");
            String fromCert = openssl("x509", "-in", pair[1], "-noout", "-pubkey");
            assertEquals(fromCert, fromKey, pair[0]);
        }
    }

    @Test
    void opensslReadsAMixedAlgorithmChain() throws Exception {
        assumeTrue(available, "openssl is not on the PATH: skipping the openssl interop tests");
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.ED25519, KeyAlgorithm.EC_P256);
        WorkloadCredentials c = ca.issue(new SpiffeId("public", "default", "mixed"), KeyAlgorithm.ED25519,
                Duration.ofHours(1), Duration.ZERO);
        Pem.writeCertificates(dir.resolve("root.pem"), ca.trustAnchors());
        Pem.writeCertificates(dir.resolve("chain.pem"), c.chain().subList(1, c.chain().size()));
        Pem.writeCertificates(dir.resolve("leaf.pem"), List.of(c.leaf()));
        String out = openssl("verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
        assertTrue(out.contains("leaf.pem: OK"), out);
    }

    private String openssl(String... args) throws Exception {
        assumeTrue(available, "openssl is not on the PATH: skipping the openssl interop tests");
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
