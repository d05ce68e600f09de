package io.h2splice.tls.context;

import io.h2splice.tls.ca.WorkloadCredentials;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;

import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Builds the SslContexts of the sidecar hop: TLS 1.3 (1.2 allowed), ALPN {@code h2}, the peer's chain checked against
 * the trust anchors on both ends; the server requires a client certificate. The SPIFFE id is checked by
 * {@link PeerChecks} after the handshake, not by hostname verification (as Dapr does).
 */
final class MtlsContexts {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final ApplicationProtocolConfig ALPN_H2 = new ApplicationProtocolConfig(Protocol.ALPN,
            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2);

    private MtlsContexts() {
    }

    static SslContext server(WorkloadCredentials m, SslProvider provider) throws SSLException {
        return SslContextBuilder.forServer(keyManager(m))
                .trustManager(m.trustAnchors().toArray(new X509Certificate[0]))
                .clientAuth(ClientAuth.REQUIRE)
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN_H2)
                .build();
    }

    static SslContext client(WorkloadCredentials m, SslProvider provider) throws SSLException {
        return SslContextBuilder.forClient()
                .endpointIdentificationAlgorithm(null) // the SPIFFE id is checked instead (PeerChecks), as Dapr does
                .keyManager(keyManager(m))
                .trustManager(m.trustAnchors().toArray(new X509Certificate[0]))
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN_H2)
                .build();
    }

    private static KeyManagerFactoryWrapper keyManager(WorkloadCredentials m) {
        return new KeyManagerFactoryWrapper(new SingleKeyManager(m.key(), m.chain().toArray(new X509Certificate[0])));
    }

    /** TLS to the app ({@code --app-protocol grpcs}): the app's certificate is not verified, as in Dapr. */
    static SslContext insecureClient(SslProvider provider) throws SSLException {
        return SslContextBuilder.forClient()
                .endpointIdentificationAlgorithm(null)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN_H2)
                .build();
    }
}
