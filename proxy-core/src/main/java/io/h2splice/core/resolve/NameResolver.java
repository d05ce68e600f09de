package io.h2splice.core.resolve;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the internal (sidecar-to-sidecar) addresses of an app.
 *
 * <p>Threading: {@link #resolve} is called on an event loop and must never block it. An implementation that does I/O
 * does it on its own executor; the returned future may complete on any thread, and callers hop back to their loop.
 */
public interface NameResolver extends AutoCloseable {

    /**
     * @return the addresses of the sidecars serving {@code appId} in {@code namespace}; an empty list when the app is
     *         unknown. The future fails when the resolver cannot answer (a closed resolver, a DNS lookup that failed);
     *         the message of the failure's cause is the reason the caller reads, after
     *         {@code failed to resolve address for '<app>': }.
     */
    CompletableFuture<List<InetSocketAddress>> resolve(String appId, String namespace);

    /**
     * This sidecar is ready at {@code internal}, its sidecar-to-sidecar address: a resolver that other sidecars find
     * it through (Dapr's SQLite table) writes it there now, and removes it on {@link #close()}. Most resolvers learn
     * about this sidecar elsewhere and do nothing. Called once, off the event loops; may block.
     *
     * @throws IllegalStateException with a one-line reason when the sidecar could not be written
     */
    default void announce(String appId, String namespace, String internal) {
    }

    @Override
    default void close() {
    }
}
