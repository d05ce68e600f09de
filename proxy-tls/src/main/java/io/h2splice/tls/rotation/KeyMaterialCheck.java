package io.h2splice.tls.rotation;

import io.h2splice.tls.context.KeyMaterial;
import io.h2splice.tls.identity.SpiffeId;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates new key material before it is used: the expected SPIFFE id, a validity window that covers now, a chain
 * that verifies to the trust anchors (PKIX), and a private key that matches the leaf.
 */
public final class KeyMaterialCheck {

    private KeyMaterialCheck() {
    }

    /** @throws GeneralSecurityException naming the first problem */
    public static void check(KeyMaterial m, SpiffeId expected, Instant now) throws GeneralSecurityException {
        SpiffeId id;
        try {
            id = m.spiffeId();
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("certificate: " + e.getMessage(), e);
        }
        if (expected != null && !id.equals(expected)) {
            throw new GeneralSecurityException("certificate is for " + id + ", expected " + expected);
        }
        if (now.isAfter(m.notAfter())) {
            throw new GeneralSecurityException("certificate expired at " + m.notAfter());
        }
        if (now.isBefore(m.notBefore())) {
            throw new GeneralSecurityException("certificate not valid before " + m.notBefore());
        }
        verifyChain(m, now);
        verifyKeyMatches(m);
    }

    private static void verifyChain(KeyMaterial m, Instant now) throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate a : m.trustAnchors()) {
            anchors.add(new TrustAnchor(a, null));
        }
        List<X509Certificate> path = new ArrayList<>(m.chain());
        path.removeIf(c -> m.trustAnchors().contains(c)); // a chain may end with the root itself
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(java.util.Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (InvalidAlgorithmParameterException e) {
            throw new GeneralSecurityException("trust anchors: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("certificate chain does not verify to the trust anchors: "
                    + e.getMessage(), e);
        }
    }

    private static void verifyKeyMatches(KeyMaterial m) throws GeneralSecurityException {
        String alg = switch (m.key().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "RSA" -> "SHA256withRSA";
            default -> throw new GeneralSecurityException("unsupported key type " + m.key().getAlgorithm());
        };
        byte[] probe = "h2splice key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        s.initSign(m.key());
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(m.leaf().getPublicKey());
        v.update(probe);
        if (!v.verify(sig)) {
            throw new GeneralSecurityException("the private key does not match the certificate");
        }
    }
}
