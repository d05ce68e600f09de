package io.h2splice.tls.ca;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** What kind of key a key is, which signature it makes, and whether a private key belongs to a public one. */
public final class Keys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /**
     * {@code ECDSA P-256}, {@code ECDSA P-384}, {@code Ed25519}, {@code Ed448}, {@code X25519}, {@code RSA 2048}; for
     * anything else the JCA algorithm name.
     */
    public static String describe(Key key) {
        AlgorithmIdentifier alg = algorithm(key);
        if (alg == null) {
            return key.getAlgorithm();
        }
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            return "Ed448";
        }
        if (oid.equals(EdECObjectIdentifiers.id_X25519)) {
            return "X25519";
        }
        if (oid.equals(EdECObjectIdentifiers.id_X448)) {
            return "X448";
        }
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption) && key instanceof RSAKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            Object params = alg.getParameters();
            if (SECObjectIdentifiers.secp256r1.equals(params)) {
                return "ECDSA P-256";
            }
            if (SECObjectIdentifiers.secp384r1.equals(params)) {
                return "ECDSA P-384";
            }
            if (SECObjectIdentifiers.secp521r1.equals(params)) {
                return "ECDSA P-521";
            }
            return "ECDSA " + (params instanceof ASN1ObjectIdentifier curve ? "curve " + curve.getId()
                    : "(explicit curve parameters)");
        }
        return key.getAlgorithm();
    }

    /** The {@link KeyAlgorithm} of {@code key}, or {@code null} when it is neither ECDSA P-256 nor Ed25519. */
    public static KeyAlgorithm keyAlgorithm(Key key) {
        return switch (describe(key)) {
            case "ECDSA P-256" -> KeyAlgorithm.EC_P256;
            case "Ed25519" -> KeyAlgorithm.ED25519;
            default -> null;
        };
    }

    /**
     * The JCA signature algorithm that a CA with this key signs with: {@code SHA256withECDSA} (P-256),
     * {@code SHA384withECDSA} (P-384), {@code SHA512withECDSA} (P-521), {@code Ed25519}, {@code SHA256withRSA}.
     *
     * @throws CaException for any other key
     */
    public static String signatureAlgorithm(Key key) throws CaException {
        String kind = describe(key);
        return switch (kind) {
            case "ECDSA P-256" -> "SHA256withECDSA";
            case "ECDSA P-384" -> "SHA384withECDSA";
            case "ECDSA P-521" -> "SHA512withECDSA";
            case "Ed25519" -> "Ed25519";
            default -> {
                if (kind.startsWith("RSA ")) {
                    yield "SHA256withRSA";
                }
                throw new CaException("unsupported key type " + kind + " (use ECDSA P-256 or Ed25519)");
            }
        };
    }

    /** Whether {@code key} is the private half of {@code publicKey}: signs a random challenge and verifies it. */
    public static boolean matches(PrivateKey key, PublicKey publicKey) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            String alg = signatureAlgorithm(key);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(challenge);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(sig);
        } catch (CaException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static AlgorithmIdentifier algorithm(Key key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            return null;
        }
        try {
            if (key instanceof PublicKey) {
                return SubjectPublicKeyInfo.getInstance(encoded).getAlgorithm();
            }
            if (key instanceof PrivateKey) {
                return PrivateKeyInfo.getInstance(encoded).getPrivateKeyAlgorithm();
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }
}
