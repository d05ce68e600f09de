package io.h2splice.cli.ca;

import io.h2splice.tls.ca.Fingerprints;
import io.h2splice.tls.ca.Keys;
import io.h2splice.tls.identity.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The text {@code h2splice ca inspect} prints: one block of aligned fields per certificate. */
final class CertificateReport {

    private static final String[] KEY_USAGE = {"digitalSignature", "nonRepudiation", "keyEncipherment",
        "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    private static final Map<String, String> EKU = Map.of(
            "1.3.6.1.5.5.7.3.1", "serverAuth",
            "1.3.6.1.5.5.7.3.2", "clientAuth",
            "1.3.6.1.5.5.7.3.3", "codeSigning",
            "1.3.6.1.5.5.7.3.4", "emailProtection",
            "1.3.6.1.5.5.7.3.8", "timeStamping",
            "1.3.6.1.5.5.7.3.9", "OCSPSigning",
            "2.5.29.37.0", "anyExtendedKeyUsage");
    private static final Map<Integer, String> SAN_TYPES = Map.of(0, "other", 1, "email", 2, "DNS", 4, "dir",
            6, "URI", 7, "IP", 8, "RID");

    private CertificateReport() {
    }

    /** {@code source: N certificate(s)}, then a block per certificate; validity judged at {@code now}. */
    static String render(String source, List<X509Certificate> certs, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(certs.size()).append(certs.size() == 1 ? " certificate" : " certificates")
                .append('\n');
        for (int i = 0; i < certs.size(); i++) {
            sb.append('\n').append("certificate ").append(i + 1).append('\n');
            block(sb, certs.get(i), now);
        }
        return sb.toString();
    }

    private static void block(StringBuilder sb, X509Certificate c, Instant now) {
        String subject = c.getSubjectX500Principal().getName();
        field(sb, "subject", subject.isEmpty() ? "(empty)" : subject);
        field(sb, "issuer", c.getIssuerX500Principal().getName().isEmpty() ? "(empty)"
                : c.getIssuerX500Principal().getName());
        field(sb, "SPIFFE id", spiffeId(c));
        List<String> other = otherNames(c);
        if (!other.isEmpty()) {
            field(sb, "other names", String.join(", ", other));
        }
        field(sb, "serial", HexFormat.ofDelimiter(":").formatHex(unsigned(c.getSerialNumber().toByteArray())));
        field(sb, "not before", c.getNotBefore().toInstant().toString());
        field(sb, "not after", c.getNotAfter().toInstant() + " (" + validity(c, now) + ")");
        field(sb, "key", Keys.describe(c.getPublicKey()));
        field(sb, "signature", c.getSigAlgName());
        int bc = c.getBasicConstraints();
        field(sb, "CA", bc < 0 ? "no" : bc == Integer.MAX_VALUE ? "yes" : "yes, path length " + bc);
        field(sb, "key usage", keyUsage(c.getKeyUsage()));
        field(sb, "ext key usage", extKeyUsage(c));
        field(sb, "SHA-256", Fingerprints.sha256(c));
    }

    /** {@code valid for 23h59m}, {@code EXPIRED 2h ago}, {@code not yet valid: starts in 5m}. */
    static String validity(X509Certificate c, Instant now) {
        Instant nb = c.getNotBefore().toInstant();
        Instant na = c.getNotAfter().toInstant();
        if (now.isAfter(na)) {
            return "EXPIRED " + human(Duration.between(na, now)) + " ago";
        }
        if (now.isBefore(nb)) {
            return "not yet valid: starts in " + human(Duration.between(now, nb));
        }
        return "valid for " + human(Duration.between(now, na));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? hours + "h" : "");
        }
        return hours > 0 ? hours + "h" + (minutes > 0 ? minutes + "m" : "") : minutes + "m";
    }

    private static String spiffeId(X509Certificate c) {
        try {
            return SpiffeId.of(c).toString();
        } catch (IllegalArgumentException e) {
            return e.getMessage().startsWith("certificate has no SPIFFE id") ? "none" : "invalid: " + e.getMessage();
        }
    }

    private static List<String> otherNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
        if (sans == null) {
            return out;
        }
        for (List<?> san : sans) {
            Object type = san.get(0);
            String value = String.valueOf(san.get(1));
            if (Integer.valueOf(6).equals(type) && value.startsWith("spiffe://")) {
                continue;
            }
            out.add(SAN_TYPES.getOrDefault(type, String.valueOf(type)) + ":" + (san.get(1) instanceof byte[]
                    ? "(binary)" : value));
        }
        return out;
    }

    private static String keyUsage(boolean[] bits) {
        if (bits == null) {
            return "(none)";
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                names.add(i < KEY_USAGE.length ? KEY_USAGE[i] : "bit " + i);
            }
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    private static String extKeyUsage(X509Certificate c) {
        List<String> oids;
        try {
            oids = c.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        if (oids == null || oids.isEmpty()) {
            return "(none)";
        }
        List<String> names = new ArrayList<>();
        for (String oid : oids) {
            names.add(EKU.getOrDefault(oid, oid));
        }
        return String.join(", ", names);
    }

    private static byte[] unsigned(byte[] twosComplement) {
        if (twosComplement.length > 1 && twosComplement[0] == 0) {
            byte[] out = new byte[twosComplement.length - 1];
            System.arraycopy(twosComplement, 1, out, 0, out.length);
            return out;
        }
        return twosComplement;
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append("  ").append(name).append(':').append(" ".repeat(Math.max(1, 15 - name.length()))).append(value)
                .append('\n');
    }
}
