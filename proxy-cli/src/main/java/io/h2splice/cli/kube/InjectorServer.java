package io.h2splice.cli.kube;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The webhook's HTTPS server: the JDK's {@link HttpsServer} (reviews are few and small; no event loop needed) with
 * a few worker threads, TLS 1.2 or 1.3 from the JDK, and the serving certificate from a {@link ReloadingKeyManager}.
 */
final class InjectorServer implements AutoCloseable {

    private static final int WORKERS = 4;

    private final HttpsServer server;
    private final ExecutorService workers;

    private InjectorServer(HttpsServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    static InjectorServer start(InetSocketAddress address, KeyManager keys, MutateHandler handler)
            throws IOException, GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] {keys}, null, null);
        HttpsServer server = HttpsServer.create(address, 128);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", handler);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "h2splice-injector-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(workers);
        server.start();
        return new InjectorServer(server, workers);
    }

    /** The bound port (the OS's pick when asked for 0). */
    int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, lets running requests finish for up to a second, then stops the workers. */
    @Override
    public void close() {
        server.stop(1);
        workers.shutdownNow();
    }
}
