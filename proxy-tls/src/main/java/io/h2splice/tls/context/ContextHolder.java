package io.h2splice.tls.context;

import io.h2splice.tls.ca.WorkloadCredentials;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;

/**
 * The current server and client SslContexts of the sidecar hop, swapped atomically when the certificate is renewed.
 * New handshakes use the new pair; connections already open keep theirs (each OpenSSL engine holds a reference to
 * the context it was made from, so releasing the holder's reference here never pulls it from under a connection).
 *
 * <p>Threading: {@link #update} on the rotation thread; {@link #server()}/{@link #client()} from event loops (one
 * volatile read per new connection).
 */
final class ContextHolder implements AutoCloseable {

    private record Pair(WorkloadCredentials material, SslContext server, SslContext client) {
    }

    private volatile Pair current;

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

    /** Builds contexts for {@code next} and makes them current; the previous pair is released. */
    void update(WorkloadCredentials next) throws SSLException {
        Pair old = current;
        current = build(next);
        release(old);
    }

    @Override
    public void close() {
        release(current);
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
