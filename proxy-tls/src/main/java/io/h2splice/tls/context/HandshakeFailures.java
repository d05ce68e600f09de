package io.h2splice.tls.context;

import io.netty.handler.ssl.NotSslRecordException;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/** Turns a TLS handshake failure into the short reason a log line and a caller's UNAVAILABLE carry. */
final class HandshakeFailures {

    private HandshakeFailures() {
    }

    static String describe(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "certificate expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "certificate not yet valid";
            }
            if (t instanceof NotSslRecordException) {
                return "not TLS: the peer spoke plaintext";
            }
            all.append(' ').append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        String m = all.toString().toUpperCase(Locale.ROOT);
        if (m.contains("CERTIFICATE_REQUIRED") || m.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
                || m.contains("NULL CERT CHAIN") || m.contains("EMPTY CLIENT CERTIFICATE CHAIN")
                || m.contains("EMPTY SERVER CERTIFICATE CHAIN")) {
            return "no client certificate";
        }
        if (m.contains("EXPIRED")) {
            return "certificate expired";
        }
        if (m.contains("UNKNOWN_CA") || m.contains("UNABLE TO FIND VALID CERTIFICATION PATH")
                || m.contains("PKIX PATH") || m.contains("CERTIFICATE_VERIFY_FAILED")
                || m.contains("SIGNATURE CHECK FAILED") || m.contains("BAD_CERTIFICATE")
                || m.contains("PATH DOES NOT CHAIN") || m.contains("TRUST ANCHOR")) {
            return "unknown CA: the certificate does not chain to the trust anchors";
        }
        String first = failure.getMessage();
        return first == null || first.isBlank() ? failure.getClass().getSimpleName() : first;
    }
}
