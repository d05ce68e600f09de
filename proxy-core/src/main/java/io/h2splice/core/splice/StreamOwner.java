package io.h2splice.core.splice;

/**
 * What a stream of a {@link SpliceHandler}'s connection is spliced to: the {@link Call} on the connection that accepted
 * the call, the {@link Attempt} on the connection it was sent on. Kept as a property of Netty's stream object.
 *
 * <p>Threading: the connection's event loop.
 */
interface StreamOwner {

    /** The peer reset this stream with {@code errorCode}. */
    void onReset(long errorCode);

    /**
     * Bytes the owner keeps charged to this stream's connection beyond what the connection's flow controller holds
     * (the call's kept headers and replay log on the accepting side; nothing on the other).
     */
    long keptBytes();

    /** Ends the call for the memory budget ({@link Call#shed}). */
    void shed(String why);
}
