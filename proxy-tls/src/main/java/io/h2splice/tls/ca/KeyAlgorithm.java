package io.h2splice.tls.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/**
 * The key types h2splice generates: ECDSA P-256 (Dapr up to 1.17, and h2splice's default) and Ed25519 (Dapr 1.18 on).
 * Both come from the JDK's own providers.
 */
public enum KeyAlgorithm {

    /** ECDSA on secp256r1, signing with SHA256withECDSA. */
    EC_P256("p256", "ECDSA P-256"),
    /** Ed25519 (RFC 8410), signing with pure Ed25519. */
    ED25519("ed25519", "Ed25519");

    private final String flagName;
    private final String displayName;

    KeyAlgorithm(String flagName, String displayName) {
        this.flagName = flagName;
        this.displayName = displayName;
    }

    /** A fresh key pair. CPU work (a few hundred microseconds): never call it on an event loop. */
    public KeyPair generate() {
        try {
            if (this == ED25519) {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            // Both are mandatory in every JDK 17 (SunEC); a JDK without them cannot run h2splice's mTLS at all.
            throw new IllegalStateException("the JDK cannot generate " + displayName + " keys: " + e.getMessage(), e);
        }
    }

    /** The name on the command line and in files: {@code p256} or {@code ed25519}. */
    public String flagName() {
        return flagName;
    }

    /** {@code ECDSA P-256} or {@code Ed25519}. */
    @Override
    public String toString() {
        return displayName;
    }

    /**
     * Parses {@link #flagName()} (case-insensitive; {@code p-256}, {@code ecdsa} and {@code secp256r1} are accepted for
     * P-256).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static KeyAlgorithm fromFlag(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "p256", "p-256", "ecdsa", "secp256r1" -> EC_P256;
            case "ed25519" -> ED25519;
            default -> throw new IllegalArgumentException("unknown key algorithm '" + name + "' (use p256 or ed25519)");
        };
    }
}
