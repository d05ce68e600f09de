package io.h2splice.tls.sentry;

import io.h2splice.tls.ca.KeyAlgorithm;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSR sent to Sentry is what daprd sends: PEM, an empty subject, no attributes, signed by the new key. */
class CsrTest {

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void anEmptySubjectSignedByTheKey(KeyAlgorithm alg) throws Exception {
        KeyPair key = alg.generate();
        String pem = new String(SentryClient.csr(key), StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"), pem);
        assertTrue(pem.endsWith("-----END CERTIFICATE REQUEST-----\n"), pem);
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        assertEquals(0, csr.getSubject().getRDNs().length);
        assertEquals(0, csr.getAttributes().length);
        assertArrayEquals(key.getPublic().getEncoded(), csr.getSubjectPublicKeyInfo().getEncoded());
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key.getPublic())));
    }
}
