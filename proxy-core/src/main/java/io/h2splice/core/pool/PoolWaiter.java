package io.h2splice.core.pool;

/** A call waiting for an upstream connection. Called on the pool's event loop only. */
public interface PoolWaiter {

    /** A connection with room for one more stream; the waiter opens its stream on it now. */
    void connectionReady(PooledConnection connection);

    /** No connection could be made; {@code reason} is a short human-readable cause. */
    void connectionFailed(String reason);

    /** True when the call ended while waiting; the pool then drops it. */
    boolean isAbandoned();
}
