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

    @Override
    default void close() {
    }
}
