package io.h2splice.core.splice;

/**
 * grpc-go's keepalive enforcement for one server connection: a peer PING sooner than {@code minIntervalNanos} after
 * the previous one is a strike; more than {@link #MAX_STRIKES} strikes → GOAWAY ENHANCE_YOUR_CALM. Strikes reset
 * whenever we write HEADERS or DATA to the peer (see {@link FrameWriteWatcher}), so the pings grpc clients send to
 * tune flow control during a busy stream are never counted against them.
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class PingStrikes {

    static final int MAX_STRIKES = 2;

    private final long minIntervalNanos;
    private long lastPingNanos;
    private int strikes;

    PingStrikes(long minIntervalNanos) {
        this.minIntervalNanos = minIntervalNanos;
    }

    /** @return true when this PING is one strike too many */
    boolean onPeerPing(long nowNanos) {
        boolean early = lastPingNanos != 0 && nowNanos - lastPingNanos < minIntervalNanos;
        lastPingNanos = nowNanos;
        return early && ++strikes > MAX_STRIKES;
    }

    void reset() {
        strikes = 0;
    }
}
