package io.h2splice.tls.context;

import io.h2splice.core.hop.HopSecurity;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.netty.channel.ChannelPipeline;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/**
 * mTLS on the sidecar hop: an SslHandler from the current contexts, then the {@link PeerChecks} for that side. Client
 * handlers are made for the peer's host and port so that BoringSSL resumes sessions between the same two sidecars.
 */
public final class MtlsHopSecurity implements HopSecurity, AutoCloseable {

    private final ContextHolder contexts;
    private final TlsMetrics metrics;

    MtlsHopSecurity(ContextHolder contexts, TlsMetrics metrics) {
        this.contexts = contexts;
        this.metrics = metrics;
    }

    /** Contexts for {@code material}, with BoringSSL when it loads. */
    public static MtlsHopSecurity of(WorkloadCredentials material, TlsMetrics metrics) throws SSLException {
        metrics.certificateExpiry(material.notAfter().getEpochSecond());
        return new MtlsHopSecurity(new ContextHolder(material), metrics);
    }

    /** New handshakes use {@code next}; open connections keep running. */
    public void update(WorkloadCredentials next) throws SSLException {
        contexts.update(next);
        metrics.certificateExpiry(next.notAfter().getEpochSecond());
    }

    public WorkloadCredentials current() {
        return contexts.material();
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public void initServer(ChannelPipeline pipeline) {
        pipeline.addLast(contexts.server().newHandler(pipeline.channel().alloc()));
        pipeline.addLast(new PeerChecks.Server(metrics));
    }

    @Override
    public void initClient(ChannelPipeline pipeline, InetSocketAddress peerAddress, String peerAppId,
                           String peerNamespace) {
        pipeline.addLast(contexts.client().newHandler(pipeline.channel().alloc(), peerAddress.getHostString(),
                peerAddress.getPort()));
        pipeline.addLast(new PeerChecks.Client(metrics, peerAppId, peerNamespace));
    }

    @Override
    public void close() {
        contexts.close();
    }
}
