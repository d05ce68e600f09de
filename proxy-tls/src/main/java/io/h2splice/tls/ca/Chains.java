package io.h2splice.tls.ca;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** PKIX validation of a chain against trust anchors, with a one-line reason when it fails. */
public final class Chains {

    private Chains() {
    }

    /**
     * Validates {@code chain} (leaf or CA first, each certificate signed by the next) against {@code anchors} at
     * {@code at}, without revocation checks. Anchors that appear in the chain are dropped from it first.
     *
     * @return {@code null} when valid, else why not (for example {@code "certificate 1 (CN=x) expired at …"})
     */
    public static String problem(List<X509Certificate> chain, List<X509Certificate> anchors, Instant at) {
        List<X509Certificate> path = new ArrayList<>(chain);
        path.removeIf(anchors::contains);
        if (path.isEmpty()) {
            return null;
        }
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            for (X509Certificate a : anchors) {
                trust.add(new TrustAnchor(a, null));
            }
            PKIXParameters params = new PKIXParameters(trust);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return null;
        } catch (CertPathValidatorException e) {
            return describe(e, path);
        } catch (GeneralSecurityException | RuntimeException e) {
            return "cannot validate the chain: " + e.getMessage();
        }
    }

    private static String describe(CertPathValidatorException e, List<X509Certificate> path) {
        String msg = e.getMessage() == null ? String.valueOf(e.getReason()) : e.getMessage();
        boolean noAnchor = msg.contains("does not chain with any of the trust anchors");
        // The JDK reports "no trust anchor" without an index: it is the top of the path that has no issuer.
        int index = noAnchor && e.getIndex() < 0 ? path.size() - 1 : e.getIndex();
        String which = index >= 0 && index < path.size()
                ? "certificate " + (index + 1) + " (" + Certificates.name(path.get(index)) + ")" : "the chain";
        if (e.getReason() == BasicReason.EXPIRED && index >= 0 && index < path.size()) {
            return which + " expired at " + path.get(index).getNotAfter().toInstant();
        }
        if (e.getReason() == BasicReason.NOT_YET_VALID && index >= 0 && index < path.size()) {
            return which + " is not valid before " + path.get(index).getNotBefore().toInstant();
        }
        if (e.getReason() == BasicReason.INVALID_SIGNATURE) {
            return which + " has a signature that does not verify";
        }
        if (noAnchor) {
            return which + " is not issued by any of the trust anchors";
        }
        return which + ": " + msg;
    }
}
