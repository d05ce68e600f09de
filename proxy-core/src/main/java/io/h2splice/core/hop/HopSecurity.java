package io.h2splice.core.hop;

import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;

/**
 * The transport security of one kind of hop (sidecar to sidecar, or sidecar to app), pluggable so that TLS slots in
 * front of the HTTP/2 handler on both ends. proxy-core never sees certificates: it sees handlers, the events below
 * and the verified peer on the channel.
 *
 * <p>Contract for a {@link #secure()} implementation:
 * <ul>
 *   <li>client side ({@link #initClient}): when the peer is authenticated (for a sidecar: its SPIFFE id is
 *       {@code /ns/<peerNamespace>/<peerAppId>}) fire {@link HopEvent#ESTABLISHED} down the pipeline; on any failure
 *       fire a {@link HopEvent.Failed} with a short reason ("unknown CA", "wrong identity: ...") and close. The
 *       connection carries no stream before ESTABLISHED.</li>
 *   <li>server side ({@link #initServer}): a peer that fails the handshake is logged with the reason and closed;
 *       a verified client's identity is set in {@link #PEER} before the first frame is read.</li>
 * </ul>
 */
public interface HopSecurity {

    /** The verified peer of a server-side channel (absent on plaintext hops). */
    AttributeKey<PeerIdentity> PEER = AttributeKey.valueOf("h2splice.peer");

    /** h2c: nothing in front of HTTP/2. */
    HopSecurity PLAINTEXT = new HopSecurity() {
        @Override
        public boolean secure() {
            return false;
        }

        @Override
        public void initServer(ChannelPipeline pipeline) {
        }

        @Override
        public void initClient(ChannelPipeline pipeline, InetSocketAddress peerAddress, String peerAppId,
                               String peerNamespace) {
        }
    };

    /** True when {@link #initClient} adds a handshake whose end is signalled with a {@link HopEvent}. */
    boolean secure();

    /** Adds handlers (e.g. an SslHandler) in front of a server connection's HTTP/2 handler. */
    void initServer(ChannelPipeline pipeline);

    /**
     * Adds handlers in front of a client connection's HTTP/2 handler.
     *
     * @param peerAddress   the address dialled (for TLS session resumption)
     * @param peerAppId     the app whose sidecar is dialled, or null when dialling the app itself
     * @param peerNamespace its namespace, or null
     */
    void initClient(ChannelPipeline pipeline, InetSocketAddress peerAddress, String peerAppId, String peerNamespace);
}
