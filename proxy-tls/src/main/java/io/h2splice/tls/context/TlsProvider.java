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
