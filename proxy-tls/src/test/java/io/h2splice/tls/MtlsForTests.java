package io.h2splice.tls;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.testing.TwoSidecars;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.context.MtlsHopSecurity;
import io.h2splice.tls.context.TlsMetrics;
import io.h2splice.tls.identity.SpiffeId;

import java.io.UncheckedIOException;
import java.time.Duration;

/** One in-memory CA for a test JVM, and mTLS hop security issued from it for any (app id, namespace). */
public final class MtlsForTests {

    private static final CertificateAuthority CA = newCa(KeyAlgorithm.EC_P256);

    private MtlsForTests() {
    }

    /** Makes every {@link TwoSidecars} topology of this JVM use mTLS between its sidecars. */
    public static void install() {
        TwoSidecars.useSecurity((app, ns) -> new TransportSecurity(hop(CA, app, ns, KeyAlgorithm.EC_P256),
                HopSecurity.PLAINTEXT));
    }

    /**
     * {@code @ExtendWith(MtlsForTests.Installed.class)}: installs mTLS before the class's sidecars start. A static
     * block in a subclass is not enough: JUnit reads the superclass's {@code SharedSidecars} field, which initialises
     * only the superclass, and starts the sidecars before the subclass is ever initialised.
     */
    public static final class Installed implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            install();
        }
    }

    public static CertificateAuthority ca() {
        return CA;
    }

    public static CertificateAuthority newCa(KeyAlgorithm alg) {
        try {
            return CertificateAuthority.generate(alg, alg);
        } catch (CaException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SpiffeId id(String app, String ns) {
        return new SpiffeId(SpiffeId.DEFAULT_TRUST_DOMAIN, ns, app);
    }

    public static MtlsHopSecurity hop(CertificateAuthority ca, String app, String ns, KeyAlgorithm alg) {
        try {
            return MtlsHopSecurity.of(ca.issue(id(app, ns), alg, Duration.ofHours(1), Duration.ofMinutes(1)),
                    new TlsMetrics());
        } catch (CaException e) {
            throw new IllegalStateException(e);
        } catch (javax.net.ssl.SSLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
