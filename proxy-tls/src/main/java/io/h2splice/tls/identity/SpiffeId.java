package io.h2splice.tls.identity;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A workload identity, {@code spiffe://<trustDomain>/ns/<namespace>/<appId>}: the only URI SAN of a sidecar's
 * certificate (COMPAT.md "mTLS and identity").
 */
public record SpiffeId(String trustDomain, String namespace, String appId) {

    /** The trust domain when the Configuration sets none. */
    public static final String DEFAULT_TRUST_DOMAIN = "public";

    private static final String SCHEME = "spiffe://";
    private static final int URI_SAN = 6;

    public SpiffeId {
        requireSegment(trustDomain, "trust domain");
        requireSegment(namespace, "namespace");
        requireSegment(appId, "app id");
    }

    /** Parses {@code spiffe://td/ns/<ns>/<app>}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static SpiffeId parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not a SPIFFE id (no spiffe:// scheme): " + uri);
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("SPIFFE id without a path: " + uri);
        }
        String td = rest.substring(0, slash);
        String[] path = rest.substring(slash + 1).split("/", -1);
        if (path.length != 3 || !path[0].equals("ns")) {
            throw new IllegalArgumentException("SPIFFE id path is not /ns/<namespace>/<app-id>: " + uri);
        }
        return new SpiffeId(td, path[1], path[2]);
    }

    /**
     * The SPIFFE id of a certificate: its single {@code spiffe://} URI SAN.
     *
     * @throws IllegalArgumentException when there is none, more than one, or it is malformed
     */
    public static SpiffeId of(X509Certificate cert) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subject alternative names: " + e.getMessage(), e);
        }
        String found = null;
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(URI_SAN).equals(san.get(0))
                        && String.valueOf(san.get(1)).startsWith(SCHEME)) {
                    if (found != null) {
                        throw new IllegalArgumentException("certificate has more than one SPIFFE id");
                    }
                    found = String.valueOf(san.get(1));
                }
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("certificate has no SPIFFE id (no spiffe:// URI SAN)");
        }
        return parse(found);
    }

    /** {@code /ns/<namespace>/<appId>}: what a caller checks, in any trust domain (as Dapr does). */
    public String path() {
        return "/ns/" + namespace + "/" + appId;
    }

    public URI toUri() {
        return URI.create(toString());
    }

    @Override
    public String toString() {
        return SCHEME + trustDomain + path();
    }

    private static void requireSegment(String v, String what) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE " + what + " is empty");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_';
            if (!ok) {
                throw new IllegalArgumentException("SPIFFE " + what + " '" + v + "' has a character other than "
                        + "letters, digits, '-', '.', '_'");
            }
        }
    }
}
