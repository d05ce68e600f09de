package io.h2splice.core.splice;

import io.netty.channel.ChannelPipeline;

/**
 * The transport of the sidecar-to-sidecar hop, pluggable so that mTLS can be slotted in front of the HTTP/2 handler
 * on both ends. {@link #PLAINTEXT} is h2c.
 */
public interface HopSecurity {

    HopSecurity PLAINTEXT = new HopSecurity() {
        @Override
        public void initServer(ChannelPipeline pipeline) {
        }

        @Override
        public void initClient(ChannelPipeline pipeline, String peerAppId, String peerNamespace) {
        }
    };

    /** Adds handlers (e.g. an SslHandler) in front of the internal listener's HTTP/2 handler. */
    void initServer(ChannelPipeline pipeline);

    /** Adds handlers in front of a connection to another sidecar serving {@code peerAppId} in {@code peerNamespace}. */
    void initClient(ChannelPipeline pipeline, String peerAppId, String peerNamespace);
}
