package io.h2splice.core.runtime;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.resolve.NameResolver;

import java.util.concurrent.CompletableFuture;

/**
 * One running sidecar: its event loops, its listeners and its pools.
 *
 * <p>Starting points: {@link #start} binds every listener and returns; {@link #whenReady()} completes once the app
 * port accepts connections (at once when there is no app); {@link #drain()} sends GOAWAY on every connection,
 * lets running calls finish within {@link ProxyConfig#gracefulShutdown()}, then closes everything.
 */
public final class Proxy implements AutoCloseable {

    /** Binds all listeners. Throws {@link ProxyStartException} with a one-line message when a port cannot be bound. */
    public static Proxy start(ProxyConfig config, NameResolver resolver) throws ProxyStartException {
        throw new UnsupportedOperationException("under construction");
    }

    public ProxyConfig config() { throw new UnsupportedOperationException(); }

    /** "epoll" or "nio". */
    public String transportName() { throw new UnsupportedOperationException(); }

    public int apiPort() { throw new UnsupportedOperationException(); }

    public int internalPort() { throw new UnsupportedOperationException(); }

    /** The bound HTTP port, or -1 when disabled. */
    public int httpPort() { throw new UnsupportedOperationException(); }

    /** The bound metrics port, or -1 when disabled. */
    public int metricsPort() { throw new UnsupportedOperationException(); }

    public ProxyMetrics metrics() { throw new UnsupportedOperationException(); }

    public boolean isReady() { throw new UnsupportedOperationException(); }

    public CompletableFuture<Void> whenReady() { throw new UnsupportedOperationException(); }

    /** Idempotent. Completes when every listener and connection is closed and the event loops have stopped. */
    public CompletableFuture<Void> drain() { throw new UnsupportedOperationException(); }

    /** Drains and waits. */
    @Override
    public void close() { throw new UnsupportedOperationException(); }
}
