package io.h2splice.core.pool;

/** What a pool needs to know of one upstream HTTP/2 connection. Called on the connection's event loop only. */
public interface PooledConnection {

    /** Active, not draining, below the peer's SETTINGS_MAX_CONCURRENT_STREAMS, and stream ids left. */
    boolean canOpenStream();

    /** The connection's channel (identifies a dial). */
    io.netty.channel.Channel channel();

    /** Closes the connection now (the pool is being shut down). */
    void closeNow();
}
