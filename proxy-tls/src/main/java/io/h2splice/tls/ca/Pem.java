package io.h2splice.tls.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM certificates and private keys, as Dapr Sentry, cert-manager, SPIRE and openssl write them.
 *
 * <p>Certificates: one or more {@code CERTIFICATE} blocks (text around them, as {@code openssl x509 -text} writes,
 * is ignored); a file without any PEM block is tried as a single DER certificate. Private keys: PKCS#8
 * {@code PRIVATE KEY} (ECDSA, Ed25519, RSA; PKCS#8 v1 and v2), SEC1 {@code EC PRIVATE KEY} (with or without a
 * leading {@code EC PARAMETERS} block) and PKCS#1 {@code RSA PRIVATE KEY}. Encrypted keys are refused with a message
 * saying so. Keys are always written as unencrypted PKCS#8 {@code PRIVATE KEY}.
 *
 * <p>Every error is a {@link CaException} whose message starts with the file (or the {@code source} given) and says
 * what is wrong: {@code "/etc/certs/key.pem: no PRIVATE KEY block (found CERTIFICATE)"}.
 */
public final class Pem {

    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";

    private Pem() {
    }

    // === reading ===

    /** The certificates in {@code file}, in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) throws CaException {
        return parseCertificates(read(file), file.toString());
    }

    /**
     * The certificates in {@code pem} (for example a bundle from {@code DAPR_TRUST_ANCHORS}), in order; at least one.
     *
     * @param source what to call the text in messages: a file name or an environment variable
     */
    public static List<X509Certificate> parseCertificates(String pem, String source) throws CaException {
        Objects.requireNonNull(pem, "pem");
        List<PemObject> blocks = blocks(pem, source);
        List<X509Certificate> certs = new ArrayList<>();
        for (PemObject b : blocks) {
            if (b.getType().equals(CERTIFICATE) || b.getType().equals("X509 CERTIFICATE")) {
                certs.add(certificate(b.getContent(), source, certs.size() + 1));
            }
        }
        if (certs.isEmpty() && blocks.isEmpty() && !pem.isBlank()) {
            // No PEM armour at all: perhaps a DER file.
            try {
                certs.add(certificate(pem.getBytes(StandardCharsets.ISO_8859_1), source, 1));
            } catch (CaException notDer) {
                throw new CaException(source + ": not a PEM or DER certificate");
            }
        }
        if (certs.isEmpty()) {
            throw new CaException(source + ": no " + CERTIFICATE + " block" + found(blocks));
        }
        return List.copyOf(certs);
    }

    /** The one private key in {@code file}; other blocks (certificates, EC parameters) may surround it. */
    public static PrivateKey readPrivateKey(Path file) throws CaException {
        return parsePrivateKey(read(file), file.toString());
    }

    /**
     * The one private key in {@code pem}.
     *
     * @param source what to call the text in messages: a file name or an environment variable
     */
    public static PrivateKey parsePrivateKey(String pem, String source) throws CaException {
        Objects.requireNonNull(pem, "pem");
        List<PemObject> blocks = blocks(pem, source);
        ASN1Primitive ecParameters = null;
        PrivateKey key = null;
        for (PemObject b : blocks) {
            String type = b.getType();
            if (type.equals("EC PARAMETERS")) {
                ecParameters = parseAsn1(b.getContent(), source, type);
                continue;
            }
            if (!type.endsWith(PRIVATE_KEY)) {
                continue;
            }
            if (key != null) {
                throw new CaException(source + ": more than one private key");
            }
            if (type.startsWith("ENCRYPTED") || isEncrypted(b)) {
                throw new CaException(source + ": the private key is encrypted; give h2splice an unencrypted key");
            }
            key = switch (type) {
                case PRIVATE_KEY -> pkcs8(b.getContent(), source);
                case "EC PRIVATE KEY" -> sec1(b.getContent(), ecParameters, source);
                case "RSA PRIVATE KEY" -> pkcs1(b.getContent(), source);
                default -> throw new CaException(source + ": unsupported key format " + type
                        + " (use PKCS#8 PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
            };
        }
        if (key == null) {
            throw new CaException(source + ": no " + PRIVATE_KEY + " block" + found(blocks));
        }
        return key;
    }

    // === writing ===

    /** {@code certs} as concatenated {@code CERTIFICATE} blocks. */
    public static String encodeCertificates(List<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                block(sb, CERTIFICATE, c.getEncoded());
            } catch (CertificateException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return sb.toString();
    }

    /** {@code key} as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static String encodePrivateKey(PrivateKey key) {
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("key has no PKCS#8 encoding (format " + key.getFormat() + ")");
        }
        return block(new StringBuilder(), PRIVATE_KEY, der).toString();
    }

    /** Writes {@code certs} to {@code file} atomically, mode {@code 0644}, replacing what was there. */
    public static void writeCertificates(Path file, List<X509Certificate> certs) throws CaException {
        write(file, encodeCertificates(certs), AtomicFiles.WORLD_READABLE);
    }

    /** Writes {@code key} to {@code file} atomically, mode {@code 0600} from the start, replacing what was there. */
    public static void writePrivateKey(Path file, PrivateKey key) throws CaException {
        write(file, encodePrivateKey(key), AtomicFiles.OWNER_ONLY);
    }

    // === internals ===

    static String read(Path file) throws CaException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new CaException(file + ": is a directory, not a file");
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new CaException(file + ": no such file");
        } catch (IOException e) {
            throw new CaException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String pem, Set<PosixFilePermission> mode) throws CaException {
        try {
            AtomicFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII), mode);
        } catch (IOException e) {
            throw new CaException(file + ": cannot write: " + e, e);
        }
    }

    private static List<PemObject> blocks(String pem, String source) throws CaException {
        List<PemObject> out = new ArrayList<>();
        try (PemReader r = new PemReader(new StringReader(pem))) {
            for (PemObject o = r.readPemObject(); o != null; o = r.readPemObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // PemReader throws IOException for a missing END line and DecoderException for bad base64.
            throw new CaException(source + ": malformed PEM after " + out.size() + " block(s): " + e.getMessage(), e);
        }
        return out;
    }

    private static X509Certificate certificate(byte[] der, String source, int index) throws CaException {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Certificate c = cf.generateCertificate(new ByteArrayInputStream(der));
            if (c instanceof X509Certificate x) {
                return x;
            }
            throw new CaException(source + ": certificate " + index + " is not an X.509 certificate");
        } catch (CertificateException e) {
            throw new CaException(source + ": certificate " + index + " is not a valid X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(byte[] der, String source) throws CaException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new CaException(source + ": PRIVATE KEY is not valid PKCS#8: " + e.getMessage(), e);
        }
        return toJdkKey(info, source);
    }

    private static PrivateKey sec1(byte[] der, ASN1Primitive separateParameters, String source) throws CaException {
        ECPrivateKey ec;
        try {
            ec = ECPrivateKey.getInstance(der);
        } catch (RuntimeException e) {
            throw new CaException(source + ": EC PRIVATE KEY is not valid SEC1: " + e.getMessage(), e);
        }
        ASN1Encodable params = ec.getParametersObject() != null ? ec.getParametersObject() : separateParameters;
        if (params == null) {
            throw new CaException(source + ": EC PRIVATE KEY names no curve");
        }
        try {
            return toJdkKey(new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, params),
                    ec), source);
        } catch (IOException e) {
            throw new CaException(source + ": EC PRIVATE KEY cannot be re-encoded: " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs1(byte[] der, String source) throws CaException {
        try {
            RSAPrivateKey rsa = RSAPrivateKey.getInstance(der);
            return toJdkKey(new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                    DERNull.INSTANCE), rsa), source);
        } catch (IOException | RuntimeException e) {
            throw new CaException(source + ": RSA PRIVATE KEY is not valid PKCS#1: " + e.getMessage(), e);
        }
    }

    private static PrivateKey toJdkKey(PrivateKeyInfo info, String source) throws CaException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String jca;
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            jca = "EC";
        } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            jca = "Ed25519";
        } else if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            jca = "Ed448";
        } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            jca = "RSA";
        } else if (oid.equals(EdECObjectIdentifiers.id_X25519) || oid.equals(EdECObjectIdentifiers.id_X448)) {
            throw new CaException(source + ": unsupported key type " + (oid.equals(EdECObjectIdentifiers.id_X25519)
                    ? "X25519" : "X448") + " (a key-agreement key cannot sign)");
        } else {
            throw new CaException(source + ": unsupported key type " + oid.getId()
                    + " (use ECDSA P-256, Ed25519 or RSA)");
        }
        try {
            byte[] der = info.getEncoded();
            if (jca.startsWith("Ed")) {
                // OneAsymmetricKey (PKCS#8 v2, RFC 8410) may carry the public key; drop it so any JDK parses the key.
                der = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey()).getEncoded();
            }
            return KeyFactory.getInstance(jca).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IOException e) {
            throw new CaException(source + ": " + jca + " private key cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static ASN1Primitive parseAsn1(byte[] der, String source, String type) throws CaException {
        try {
            return ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            throw new CaException(source + ": malformed " + type + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEncrypted(PemObject b) {
        for (Object h : b.getHeaders()) {
            if (h instanceof PemHeader ph && ph.getName().equalsIgnoreCase("Proc-Type")
                    && ph.getValue().contains("ENCRYPTED")) {
                return true;
            }
        }
        return false;
    }

    private static String found(List<PemObject> blocks) {
        if (blocks.isEmpty()) {
            return "";
        }
        Set<String> types = new LinkedHashSet<>();
        for (PemObject b : blocks) {
            types.add(b.getType());
        }
        return " (found " + String.join(", ", types) + ")";
    }

    private static StringBuilder block(StringBuilder sb, String type, byte[] der) {
        sb.append("-----BEGIN ").append(type).append("-----\n");
        sb.append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)).append('\n');
        sb.append("-----END ").append(type).append("-----\n");
        return sb;
    }
}
