package io.h2splice.bench.load;

/**
 * Sends a scenario's calls or messages. Every method runs on the load generator's single event loop, as do all the
 * gRPC callbacks (the channel uses {@code directExecutor()}), so a driver needs no locks.
 */
interface Driver {

    /** Starts sending: the closed loop's calls, or the open loop's pacer. */
    void start();

    /** Stops starting new calls (unary) or half-closes the streams, letting what is in flight finish. */
    void stop();

    /** Calls or streams not finished yet. */
    int inFlight();

    /** Cancels whatever is still in flight; returns how many were cancelled. */
    int cancelAll();
}
