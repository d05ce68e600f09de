package io.h2splice.tls.context;

import io.h2splice.tls.ca.WorkloadCredentials;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;

/**
 * The current server and client SslContexts of the sidecar hop, swapped atomically when the certificate is renewed.
 * New handshakes use the new pair; connections already open keep theirs (each OpenSSL engine holds a reference to
 * the context it was made from). The pair replaced is released only at the next renewal, not at once: an event loop
 * that read it just before the swap still makes its handler from it (released at once, that one handshake failed
 * with the context freed under it); renewals are at half a certificate's life, so one generation back is ample.
 *
 * <p>Threading: {@link #update} on the rotation thread; {@link #server()}/{@link #client()} from event loops (one
 * volatile read per new connection).
 */
final class ContextHolder implements AutoCloseable {

    private record Pair(WorkloadCredentials material, SslContext server, SslContext client) {
    }

    private volatile Pair current;
    /** The pair before {@link #current}, released at the next {@link #update}; null before the first. */
    private Pair retired;

    ContextHolder(WorkloadCredentials initial) throws SSLException {
        this.current = build(initial);
    }

    SslContext server() {
        return current.server;
    }

    SslContext client() {
        return current.client;
    }

    WorkloadCredentials material() {
        return current.material;
    }

    /** Builds contexts for {@code next} and makes them current; the pair replaced the time before is released. */
    void update(WorkloadCredentials next) throws SSLException {
        Pair built = build(next);
        Pair old = current;
        current = built;
        if (retired != null) {
            release(retired);
        }
        retired = old;
    }

    @Override
    public void close() {
        release(current);
        if (retired != null) {
            release(retired);
            retired = null;
        }
    }

    private Pair build(WorkloadCredentials m) throws SSLException {
        SslProvider provider = TlsProvider.pickFor(m.key(), m.trustAnchors());
        SslContext server = MtlsContexts.server(m, provider);
        try {
            return new Pair(m, server, MtlsContexts.client(m, provider));
        } catch (SSLException | RuntimeException e) {
            ReferenceCountUtil.release(server);
            throw e;
        }
    }

    private static void release(Pair p) {
        ReferenceCountUtil.release(p.server);
        ReferenceCountUtil.release(p.client);
    }
}
