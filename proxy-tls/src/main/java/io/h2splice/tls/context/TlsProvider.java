package io.h2splice.tls.context;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/** BoringSSL through netty-tcnative when it loads; the JDK's TLS otherwise, with a warning at start. */
public final class TlsProvider {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(TlsProvider.class);
    private static volatile boolean announced;

    private TlsProvider() {
    }

    /**
     * The provider for one identity: netty-tcnative's BoringSSL cannot be told to offer Ed25519 signature algorithms,
     * so an Ed25519 identity (Dapr 1.18's default), or one whose trust anchors are Ed25519 (its peers are likely to
     * be, as under Dapr 1.18's Sentry), uses the JDK's TLS, which can, with a warning.
     */
    public static SslProvider pickFor(java.security.PrivateKey key, java.util.List<java.security.cert.X509Certificate> anchors) {
        boolean ed25519 = isEd25519(key.getAlgorithm());
        for (java.security.cert.X509Certificate a : anchors) {
            ed25519 |= isEd25519(a.getPublicKey().getAlgorithm());
        }
        if (ed25519) {
            if (!ed25519Announced) {
                ed25519Announced = true;
                log.warn("TLS: an Ed25519 key or trust anchor (Dapr 1.18's Sentry makes them): using the JDK's TLS, "
                        + "which can verify Ed25519 peers (netty-tcnative's BoringSSL does not offer Ed25519 "
                        + "signatures); P-256 keys under P-256 anchors use BoringSSL");
            }
            return SslProvider.JDK;
        }
        return pick();
    }

    private static volatile boolean ed25519Announced;

    private static boolean isEd25519(String algorithm) {
        return "Ed25519".equalsIgnoreCase(algorithm) || "EdDSA".equalsIgnoreCase(algorithm);
    }

    public static SslProvider pick() {
        boolean openssl = OpenSsl.isAvailable() && !"jdk".equalsIgnoreCase(System.getProperty("h2splice.tls"));
        if (!announced) {
            announced = true;
            if (openssl) {
                log.info("TLS: {} via netty-tcnative", OpenSsl.versionString());
            } else {
                log.warn("TLS: BoringSSL unavailable ({}); using the JDK's TLS, which is slower",
                        OpenSsl.unavailabilityCause() == null ? "disabled" : OpenSsl.unavailabilityCause().toString());
            }
        }
        return openssl ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
