package io.h2splice.core.splice;

/**
 * A peer's SETTINGS frames, each of which we apply and acknowledge: more than {@link #MAX_PER_WINDOW} within
 * {@link #WINDOW_NANOS} of the first of them is a flood (CVE-2019-9515 when the acknowledgements are not read, which
 * {@link ControlFrameLimit} stops; CPU per frame when they are, which nothing else bounds). An HTTP/2 peer sends one
 * SETTINGS frame as it connects and rarely another: grpc-go's flow-control estimator sends one each time it grows its
 * window, a dozen or so in a connection's first seconds.
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class SettingsFlood {

    static final int MAX_PER_WINDOW = 100;
    static final long WINDOW_NANOS = 10_000_000_000L;

    private long windowStart;
    private int count;

    /** @return true when this SETTINGS frame is one too many */
    boolean onSettings(long nowNanos) {
        if (count == 0 || nowNanos - windowStart >= WINDOW_NANOS) {
            windowStart = nowNanos;
            count = 0;
        }
        return ++count > MAX_PER_WINDOW;
    }

    /**
     * The peer went on past twice the limit in one window, after its connection was told to drain: each frame still
     * costs an acknowledgement while its calls finish, so the connection is cut instead of waiting for them.
     */
    boolean farOver() {
        return count > 2 * MAX_PER_WINDOW;
    }
}
