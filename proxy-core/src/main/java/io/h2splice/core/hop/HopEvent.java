package io.h2splice.core.hop;

/** User events a secure {@link HopSecurity} fires on a client channel when its handshake ends. */
public final class HopEvent {

    /** The peer is authenticated; streams may be opened. */
    public static final HopEvent ESTABLISHED = new HopEvent();

    /** The peer's certificate expires soon: take no new streams on this connection, close it once idle. */
    public static final HopEvent PEER_EXPIRING = new HopEvent();

    /** The handshake or the peer check failed; the channel is being closed. */
    public record Failed(String reason) {
    }

    private HopEvent() {
    }
}
