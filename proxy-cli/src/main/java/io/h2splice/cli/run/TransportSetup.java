package io.h2splice.cli.run;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.tls.SidecarTls;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.context.AppTlsHopSecurity;
import io.h2splice.tls.identity.SpiffeId;

import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the sidecar's {@link TransportSecurity} from {@link TlsSettings}, and owns what it opened (certificate
 * rotation, contexts) until {@link #close()}.
 */
final class TransportSetup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.run");

    private final TransportSecurity security;
    private final SidecarTls mtls;
    private final AppTlsHopSecurity appTls;

    private TransportSetup(TransportSecurity security, SidecarTls mtls, AppTlsHopSecurity appTls) {
        this.security = security;
        this.mtls = mtls;
        this.appTls = appTls;
    }

    /** @throws CaException or SSLException with a one-line message when the certificates cannot be had */
    static TransportSetup create(TlsSettings tls, ProxyConfig config, Path home) throws CaException, SSLException {
        SidecarTls mtls = null;
        AppTlsHopSecurity app = null;
        try {
            HopSecurity sidecars = HopSecurity.PLAINTEXT;
            SpiffeId id = new SpiffeId(tls.trustDomain(), config.namespace(), config.appId());
            if (!tls.mtls()) {
                LOG.warn("mTLS is disabled (" + (tls.offByConfig() ? "spec.mtls.enabled: false in --config"
                        : "--enable-mtls=false") + "): traffic between sidecars is plaintext and "
                        + "unauthenticated");
            } else if (tls.fromFiles()) {
                mtls = SidecarTls.fromFiles(tls.certChain(), tls.certKey(), tls.anchorsFile(), tls.anchorsPem(), null);
                LOG.info("mTLS: identity " + mtls.identity() + " from " + tls.certChain() + " (watched)");
                sidecars = mtls.hopSecurity();
            } else {
                Path caDir = home.resolve("ca");
                mtls = SidecarTls.selfHosted(caDir, id, KeyAlgorithm.EC_P256, tls.certTtl(), tls.backdate());
                LOG.info("mTLS: identity " + mtls.identity() + " issued by the local CA in " + caDir);
                sidecars = mtls.hopSecurity();
            }
            HopSecurity appHop = HopSecurity.PLAINTEXT;
            if (tls.appTls()) {
                app = AppTlsHopSecurity.create();
                appHop = app;
                LOG.info("TLS to the app, without verifying its certificate (as Dapr)");
            }
            return new TransportSetup(new TransportSecurity(sidecars, appHop), mtls, app);
        } catch (CaException | SSLException | RuntimeException e) {
            if (mtls != null) {
                mtls.close();
            }
            if (app != null) {
                app.close();
            }
            throw e;
        }
    }

    TransportSecurity security() {
        return security;
    }

    /** The TLS metric families for the metrics page (empty without mTLS). */
    String metricsText() {
        return mtls == null ? "" : mtls.metricsText();
    }

    @Override
    public void close() {
        if (mtls != null) {
            mtls.close();
        }
        if (appTls != null) {
            appTls.close();
        }
    }
}
