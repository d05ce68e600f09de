package io.h2splice.tls;

import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.ca.WorkloadCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificates from files (Kubernetes, SPIRE, cert-manager): loaded, validated, watched and reloaded. */
@Timeout(60)
class SidecarTlsFilesTest {

    @TempDir
    Path dir;

    private void write(WorkloadCredentials c, Path cert, Path key, Path anchors) throws CaException {
        Pem.writeCertificates(cert, c.chain());
        Pem.writePrivateKey(key, c.key());
        Pem.writeCertificates(anchors, c.trustAnchors());
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void changedFilesAreReloadedForNewHandshakes(KeyAlgorithm alg) throws Exception {
        CertificateAuthority ca = MtlsForTests.newCa(alg);
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Path anchors = dir.resolve("ca.crt");
        write(ca.issue(MtlsForTests.id("server", "default"), alg, Duration.ofHours(1), Duration.ZERO), cert, key,
                anchors);
        try (SidecarTls tls = SidecarTls.fromFiles(cert, key, anchors, null, null)) {
            assertEquals(MtlsForTests.id("server", "default"), tls.identity());
            long first = tls.metrics().certificateExpiryEpochSeconds();
            write(ca.issue(MtlsForTests.id("server", "default"), alg, Duration.ofHours(2), Duration.ZERO), cert, key,
                    anchors);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tls.metrics().certificateExpiryEpochSeconds() == first && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(tls.metrics().certificateExpiryEpochSeconds() > first, "the new certificate was picked up");
        }
    }

    @Test
    void trustAnchorsFromPemTextAsDaprTrustAnchors() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        WorkloadCredentials c = ca.issue(MtlsForTests.id("a", "default"));
        Pem.writeCertificates(cert, c.chain());
        Pem.writePrivateKey(key, c.key());
        try (SidecarTls tls = SidecarTls.fromFiles(cert, key, null, Pem.encodeCertificates(ca.trustAnchors()), null)) {
            assertEquals("a", tls.identity().appId());
        }
    }

    @Test
    void aCertificateFromAnotherCaThanTheAnchorsIsRefusedAtStart() throws Exception {
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        Path anchors = dir.resolve("ca.pem");
        WorkloadCredentials c = MtlsForTests.newCa(KeyAlgorithm.EC_P256).issue(MtlsForTests.id("a", "default"));
        Pem.writeCertificates(cert, c.chain());
        Pem.writePrivateKey(key, c.key());
        Pem.writeCertificates(anchors, MtlsForTests.ca().trustAnchors());
        CaException e = assertThrows(CaException.class, () -> SidecarTls.fromFiles(cert, key, anchors, null, null));
        assertTrue(e.getMessage().contains("does not validate"), e.getMessage());
    }

    @Test
    void aBrokenReplacementKeepsTheWorkingCertificate() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        Path anchors = dir.resolve("ca.pem");
        write(ca.issue(MtlsForTests.id("a", "default")), cert, key, anchors);
        try (SidecarTls tls = SidecarTls.fromFiles(cert, key, anchors, null, null)) {
            long first = tls.metrics().certificateExpiryEpochSeconds();
            Files.writeString(cert, "not a certificate");
            Thread.sleep(3 * SidecarTls.FILE_POLL_MILLIS);
            assertEquals(first, tls.metrics().certificateExpiryEpochSeconds(), "the old certificate stays in use");
            assertEquals("a", tls.identity().appId());
        }
    }

    /**
     * Past its half life a certificate from files is renewed by whoever writes the files (cert-manager, SPIRE), on its
     * own schedule. Until the files change, the sidecar keeps what it has: before the fix it re-read them every
     * second, swapped in new TLS contexts for the same certificate and logged two lines, each second until expiry.
     */
    @Test
    void unchangedFilesPastHalfLifeAreNotReloadedEverySecond() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        Path anchors = dir.resolve("ca.pem");
        java.time.Instant now = java.time.Instant.now();
        write(ca.issue(MtlsForTests.id("a", "default"), KeyAlgorithm.EC_P256, now.minusSeconds(100),
                now.plusSeconds(60)), cert, key, anchors); // half life 20 s ago
        try (SidecarTls tls = SidecarTls.fromFiles(cert, key, anchors, null, null)) {
            var hop = (io.h2splice.tls.context.MtlsHopSecurity) tls.hopSecurity();
            Thread.sleep(1_500); // the first renewal, 1 s after the start, finds the same certificate
            WorkloadCredentials kept = hop.current();
            Thread.sleep(2_500);
            assertTrue(kept == hop.current(), "the same certificate was loaded again");
        }
    }

    /** ...while a new trust bundle beside the same certificate (a CA rotation adding a root) is still taken up. */
    @Test
    void aChangedTrustBundleBesideTheSameCertificateIsReloaded() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        Path anchors = dir.resolve("ca.pem");
        write(ca.issue(MtlsForTests.id("a", "default")), cert, key, anchors);
        try (SidecarTls tls = SidecarTls.fromFiles(cert, key, anchors, null, null)) {
            var hop = (io.h2splice.tls.context.MtlsHopSecurity) tls.hopSecurity();
            java.util.List<java.security.cert.X509Certificate> both = new java.util.ArrayList<>(ca.trustAnchors());
            both.addAll(MtlsForTests.newCa(KeyAlgorithm.EC_P256).trustAnchors());
            Thread.sleep(1_100); // a different modification time for the poll to see
            Pem.writeCertificates(anchors, both);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (hop.current().trustAnchors().size() != 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(both, hop.current().trustAnchors(), "the new bundle is in use");
        }
    }
}
