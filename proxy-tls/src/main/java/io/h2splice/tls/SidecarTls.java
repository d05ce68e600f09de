package io.h2splice.tls;

import io.h2splice.core.hop.HopSecurity;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.context.MtlsHopSecurity;
import io.h2splice.tls.context.TlsMetrics;
import io.h2splice.tls.context.TlsMetricsText;
import io.h2splice.tls.identity.SpiffeId;
import io.h2splice.tls.rotation.CertificateRotation;
import io.h2splice.tls.rotation.FileWatch;
import io.h2splice.tls.sentry.SentryClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A sidecar's mTLS, assembled: where its certificates come from (the built-in CA, Dapr's Sentry, or files), the hop
 * security the engine uses, the rotation that renews them, and their metrics. The one entry point proxy-cli uses.
 */
public final class SidecarTls implements AutoCloseable {

    /** How often certificate files are checked for changes. */
    static final long FILE_POLL_MILLIS = 2_000;

    private final MtlsHopSecurity hop;
    private final CertificateRotation rotation;
    private final TlsMetrics metrics;
    private final FileWatch watch;

    private SidecarTls(MtlsHopSecurity hop, CertificateRotation rotation, TlsMetrics metrics, FileWatch watch) {
        this.hop = hop;
        this.rotation = rotation;
        this.metrics = metrics;
        this.watch = watch;
    }

    /**
     * Self-hosted: the CA in {@code caDir} (created on first use) issues this sidecar a certificate for {@code id}
     * with a fresh key, valid {@code ttl} and back-dated {@code backdate}; renewed at half life. Key generation and
     * signing run on the caller's thread here and on the rotation thread later, never on an event loop.
     */
    public static SidecarTls selfHosted(Path caDir, SpiffeId id, KeyAlgorithm alg, Duration ttl, Duration backdate)
            throws CaException, SSLException {
        return fromAuthority(CertificateAuthority.loadOrInit(caDir, alg), id, alg, ttl, backdate);
    }

    /** As {@link #selfHosted}, with a CA already at hand. */
    public static SidecarTls fromAuthority(CertificateAuthority ca, SpiffeId id, KeyAlgorithm alg, Duration ttl,
                                           Duration backdate) throws CaException, SSLException {
        CertificateRotation.Source source = () -> ca.issue(id, alg, ttl, backdate);
        return start(source, id, List.of());
    }

    /**
     * From Dapr's Sentry ({@code --sentry-address}): Sentry signs a certificate for a fresh key now, and again at half
     * its life; the identity is the one Sentry puts in it. Blocks until the first one is had.
     */
    public static SidecarTls fromSentry(SentryClient sentry) throws CaException, SSLException {
        return start(sentry::sign, null, List.of());
    }

    /**
     * From files (Kubernetes, SPIRE, cert-manager): the chain and key, and the trust anchors from a file or PEM text
     * ({@code DAPR_TRUST_ANCHORS}). The files are watched; a change is validated and then used for new handshakes.
     *
     * @param anchorsFile the trust bundle, or null when {@code anchorsPem} is given
     * @param expected    the identity the certificate must carry, or null to accept the file's own
     */
    public static SidecarTls fromFiles(Path certFile, Path keyFile, Path anchorsFile, String anchorsPem,
                                       SpiffeId expected) throws CaException, SSLException {
        CertificateRotation.Source source = () -> new WorkloadCredentials(Pem.readPrivateKey(keyFile),
                Pem.readCertificates(certFile), anchorsFile != null ? Pem.readCertificates(anchorsFile)
                        : Pem.parseCertificates(anchorsPem, "DAPR_TRUST_ANCHORS"));
        List<Path> watched = new ArrayList<>(List.of(certFile, keyFile));
        if (anchorsFile != null) {
            watched.add(anchorsFile);
        }
        return start(source, expected, watched);
    }

    private static SidecarTls start(CertificateRotation.Source source, SpiffeId expected, List<Path> watched)
            throws CaException, SSLException {
        WorkloadCredentials first;
        try {
            first = source.next();
        } catch (CaException e) {
            throw e;
        } catch (Exception e) {
            throw new CaException("cannot get a certificate: " + e.getMessage());
        }
        first.validate(Clock.systemUTC().instant());
        if (expected != null && !first.spiffeId().equals(expected)) {
            throw new CaException("the certificate is for " + first.spiffeId() + ", but this sidecar is " + expected);
        }
        TlsMetrics metrics = new TlsMetrics();
        MtlsHopSecurity hop = MtlsHopSecurity.of(first, metrics);
        CertificateRotation rotation = new CertificateRotation(hop, source, expected, Clock.systemUTC());
        rotation.start();
        FileWatch watch = watched.isEmpty() ? null : new FileWatch(watched, FILE_POLL_MILLIS, rotation::renewNow);
        return new SidecarTls(hop, rotation, metrics, watch);
    }

    public HopSecurity hopSecurity() {
        return hop;
    }

    public SpiffeId identity() {
        return hop.current().spiffeId();
    }

    /** The TLS metric families, in Prometheus text format. */
    public String metricsText() {
        return TlsMetricsText.render(metrics);
    }

    public TlsMetrics metrics() {
        return metrics;
    }

    /** Renews now (tests; an operator's reload). */
    public void renewNow() {
        rotation.renewNow();
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        rotation.close();
        hop.close();
    }
}
