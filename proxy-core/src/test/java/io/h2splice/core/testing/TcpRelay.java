package io.h2splice.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP relay on 127.0.0.1 in front of a port, so a test can cut every connection through it abruptly
 * ({@link #abortAll()} closes with SO_LINGER 0: the peers get a TCP RST), as when an app process dies.
 * Blocking I/O on daemon threads; for tests only.
 */
public final class TcpRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger toReject = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private volatile boolean closed;

    private TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("tcp-relay-accept-" + port(), this::acceptLoop).start();
    }

    public static TcpRelay to(int targetPort) throws IOException {
        return new TcpRelay(targetPort);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far and still tracked (both legs count). */
    public int openSockets() {
        return (int) sockets.stream().filter(s -> !s.isClosed()).count();
    }

    /** Resets every relayed connection (both legs); the relay keeps accepting new ones. */
    public void abortAll() {
        for (Socket s : sockets) {
            abort(s);
        }
        sockets.clear();
    }

    /**
     * Resets the next {@code n} connections as soon as they are accepted, before a byte is relayed: to the dialler,
     * a connection that fails before HTTP/2 could start.
     */
    public void rejectNext(int n) {
        toReject.set(n);
    }

    /** How many connections {@link #rejectNext} reset so far. */
    public int rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        abortAll();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket downstream = listener.accept();
                if (toReject.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    abort(downstream);
                    rejected.incrementAndGet();
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                downstream.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(downstream);
                sockets.add(upstream);
                daemon("tcp-relay-up", () -> pump(downstream, upstream)).start();
                daemon("tcp-relay-down", () -> pump(upstream, downstream)).start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            abort(from);
            abort(to);
        }
    }

    private static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
