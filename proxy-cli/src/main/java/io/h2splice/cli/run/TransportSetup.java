package io.h2splice.cli.run;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.tls.SidecarTls;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.context.AppTlsHopSecurity;
import io.h2splice.tls.identity.SpiffeId;
import io.h2splice.tls.sentry.SentryClient;
import io.h2splice.tls.sentry.SentrySettings;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
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
            } else if (tls.fromSentry()) {
                mtls = SidecarTls.fromSentry(new SentryClient(sentrySettings(tls, config)));
                LOG.info("mTLS: identity " + mtls.identity() + " signed by Dapr's Sentry at "
                        + tls.sentry().address() + " (renewed at half its life)");
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

    /** The trust anchors are read now (a bad PEM fails the start) and, from a file, again at each renewal. */
    private static SentrySettings sentrySettings(TlsSettings tls, ProxyConfig config) throws CaException {
        SentrySource s = tls.sentry();
        SentrySettings.Anchors anchors;
        if (tls.anchorsFile() != null) {
            Path file = tls.anchorsFile();
            anchors = () -> Pem.readCertificates(file);
        } else {
            List<X509Certificate> fixed = Pem.parseCertificates(tls.anchorsPem(), "DAPR_TRUST_ANCHORS");
            anchors = () -> fixed;
        }
        anchors.load();
        return new SentrySettings(s.host(), s.port(), s.sentryId(), anchors,
                s.localIdentity() != null ? s.localIdentity() : config.appId(), config.namespace(), s.tokenFile(),
                s.kubernetesToken(), KeyAlgorithm.EC_P256);
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
