package io.h2splice.tls.ca;

import io.h2splice.tls.identity.SpiffeId;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The three certificate profiles, built with BouncyCastle and signed with the JDK's providers:
 *
 * <ul>
 *   <li>root: self-signed, {@code CN=h2splice root CA}, CA:true (critical), keyCertSign + cRLSign (critical);
 *   <li>issuer: {@code CN=h2splice issuer CA}, signed by the root, CA:true with path length 0, keyCertSign + cRLSign;
 *   <li>workload (COMPAT.md, as Dapr Sentry): empty subject, the SPIFFE id as the only URI SAN (critical, as RFC 5280
 *       requires with an empty subject), digitalSignature (critical), serverAuth + clientAuth, CA:false (critical).
 * </ul>
 *
 * <p>All have a random positive 128-bit serial, a subject key identifier (SHA-1 of the key, RFC 5280 method 1) and,
 * except the root, an authority key identifier equal to the issuer's subject key identifier.
 */
final class Certificates {

    static final String ROOT_CN = "h2splice root CA";
    static final String ISSUER_CN = "h2splice issuer CA";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    static X509Certificate root(PublicKey key, PrivateKey signer, Instant notBefore, Instant notAfter)
            throws CaException {
        X500Name name = cn(ROOT_CN);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(name, name, key, notBefore, notAfter)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            return sign(b, signer);
        } catch (CertIOException | NoSuchAlgorithmException e) {
            throw new CaException("cannot build the root certificate: " + e.getMessage(), e);
        }
    }

    static X509Certificate issuer(PublicKey key, X509Certificate root, PrivateKey rootKey, Instant notBefore,
            Instant notAfter) throws CaException {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject(root), cn(ISSUER_CN), key, notBefore, notAfter)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(root));
            return sign(b, rootKey);
        } catch (CertIOException | NoSuchAlgorithmException e) {
            throw new CaException("cannot build the issuer certificate: " + e.getMessage(), e);
        }
    }

    static X509Certificate workload(SpiffeId id, PublicKey key, X509Certificate issuer, PrivateKey issuerKey,
            Instant notBefore, Instant notAfter) throws CaException {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject(issuer), new X500Name(new RDN[0]), key, notBefore, notAfter)
                    .addExtension(Extension.subjectAlternativeName, true,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(issuer));
            return sign(b, issuerKey);
        } catch (CertIOException | NoSuchAlgorithmException e) {
            throw new CaException("cannot build the certificate for " + id + ": " + e.getMessage(), e);
        }
    }

    /** The subject, or for a workload certificate with an empty subject its URI SANs, for messages. */
    static String name(X509Certificate cert) {
        String subject = cert.getSubjectX500Principal().getName();
        if (!subject.isEmpty()) {
            return subject;
        }
        try {
            return SpiffeId.of(cert).toString();
        } catch (IllegalArgumentException e) {
            return "empty subject, serial " + cert.getSerialNumber().toString(16);
        }
    }

    /** A random positive serial of at most 128 bits, as Dapr Sentry and Go's crypto/x509 users draw them. */
    static BigInteger serial() {
        BigInteger s;
        do {
            s = new BigInteger(128, RANDOM);
        } while (s.signum() == 0);
        return s;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
            Instant notBefore, Instant notAfter) {
        return new JcaX509v3CertificateBuilder(issuer, serial(), date(notBefore), date(notAfter), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws CaException {
        try {
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(signer))
                    .build(signer));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException | CertificateException e) {
            throw new CaException("cannot sign a certificate with a " + Keys.describe(signer) + " key: "
                    + e.getMessage(), e);
        }
    }

    private static AuthorityKeyIdentifier authorityKeyId(X509Certificate issuer)
            throws NoSuchAlgorithmException {
        byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            return new AuthorityKeyIdentifier(SubjectKeyIdentifier.getInstance(
                    ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier());
        }
        return new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey());
    }

    private static X500Name subject(X509Certificate cert) {
        return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    }

    private static X500Name cn(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    }

    /** X.509 times have whole seconds; truncating here keeps the certificate equal to what was asked. */
    private static Date date(Instant t) {
        return Date.from(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
