package io.h2splice.tls.ca;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Certificate fingerprints as {@code openssl x509 -fingerprint -sha256} prints them. */
public final class Fingerprints {

    private Fingerprints() {
    }

    /** The SHA-256 of the DER encoding, upper-case hex bytes joined by colons ({@code AB:CD:…}). */
    public static String sha256(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate: " + e.getMessage(), e);
        }
    }
}
