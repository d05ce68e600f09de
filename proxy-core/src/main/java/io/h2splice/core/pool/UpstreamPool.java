package io.h2splice.core.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The upstream connections of one event loop to one address (a sidecar's internal port or the app's port).
 *
 * <p>Threading: confined to {@link #loop}; no locks. A call never changes threads because its downstream
 * connection and its upstream connection are on the same loop.
 *
 * <p>States of a connection: connecting (dial in progress, waiters queued) → ready (in {@link #ready}) → draining
 * (GOAWAY received or ids exhausted; {@link PooledConnection#canOpenStream()} false, not handed out) → closed
 * (removed). A new connection is dialled when no ready connection has room (SETTINGS_MAX_CONCURRENT_STREAMS) and
 * none is connecting.
 *
 * <p>A sidecar pool reports each failed dial or handshake, and each connection made, to the sidecar's
 * {@link OutlierDetector}, which ejects a failing address from {@link OutlierDetector#pick}; the calls waiting
 * for the failed connection still fail (the caller decides whether to try again).
 */
public final class UpstreamPool {

    private final EventLoop loop;
    private final InetSocketAddress address;
    private final String peerAppId;
    private final String peerNamespace;
    private final Dialer dialer;
    /** Told of each failed and each successful connection; null for the app's pool (never ejected). */
    private final OutlierDetector outliers;
    private final List<PooledConnection> ready = new ArrayList<>(2);
    private final ArrayDeque<PoolWaiter> waiters = new ArrayDeque<>();
    /** Waiters bound to one particular dial (refused-stream retries), keyed by that dial's channel. */
    private final Map<Channel, PoolWaiter> freshWaiters = new HashMap<>(2);
    private PoolWaiter dialingFresh;
    private int connecting;
    private boolean closed;

    /**
     * @param peerAppId     the app whose sidecar listens at {@code address}, or null when {@code address} is the app
     * @param peerNamespace its namespace, or null
     */
    public UpstreamPool(EventLoop loop, InetSocketAddress address, String peerAppId, String peerNamespace,
                        Dialer dialer) {
        this(loop, address, peerAppId, peerNamespace, dialer, null);
    }

    /**
     * As above, reporting every failed dial or handshake and every connection made to {@code outliers}, which may
     * then eject {@code address} (sidecar pools only; null: never ejected).
     */
    public UpstreamPool(EventLoop loop, InetSocketAddress address, String peerAppId, String peerNamespace,
                        Dialer dialer, OutlierDetector outliers) {
        this.outliers = outliers;
        this.loop = loop;
        this.address = address;
        this.peerAppId = peerAppId;
        this.peerNamespace = peerNamespace;
        this.dialer = dialer;
    }

    public InetSocketAddress address() {
        return address;
    }

    public String peerAppId() {
        return peerAppId;
    }

    public String peerNamespace() {
        return peerNamespace;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Hands {@code waiter} a connection with room now, or queues it for the next one that becomes ready. */
    public void acquire(PoolWaiter waiter) {
        assert loop.inEventLoop();
        if (closed) {
            waiter.connectionFailed("sidecar is shutting down");
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            PooledConnection c = ready.get(i);
            if (c.canOpenStream()) {
                waiter.connectionReady(c);
                return;
            }
        }
        waiters.add(waiter);
        if (connecting == 0) {
            dial();
        }
    }

    /** For a stream the peer refused: always a new connection, never one that refused it. */
    public void acquireFresh(PoolWaiter waiter) {
        assert loop.inEventLoop();
        if (closed) {
            waiter.connectionFailed("sidecar is shutting down");
            return;
        }
        dialingFresh = waiter; // taken by connectionActive (or the failure) if the dial completes synchronously
        Channel ch = dial();
        if (dialingFresh != null) {
            dialingFresh = null;
            if (ch != null) {
                freshWaiters.put(ch, waiter);
            }
        }
    }

    /**
     * Settles the waiter {@link #acquireFresh} bound to the dial of {@code ch}, if there is one and it still waits:
     * hands it {@code connection}, or fails it with {@code failure} when {@code connection} is null.
     */
    private void settleFresh(Channel ch, PooledConnection connection, String failure) {
        PoolWaiter w = freshWaiters.remove(ch);
        if (w == null && dialingFresh != null) {
            w = dialingFresh;
            dialingFresh = null;
        }
        if (w == null || w.isAbandoned()) {
            return;
        }
        if (connection != null) {
            w.connectionReady(connection);
        } else {
            w.connectionFailed(failure);
        }
    }

    /** The connection finished its preface and may carry streams. */
    public void connectionActive(PooledConnection connection) {
        assert loop.inEventLoop();
        connecting--;
        ready.add(connection);
        if (outliers != null) {
            outliers.connected(address);
        }
        settleFresh(connection.channel(), connection, null);
        serveWaiters();
    }

    /**
     * The connection was established at TCP level but never became usable (its TLS handshake or peer check failed):
     * every call waiting for this pool fails with {@code reason}.
     */
    public void connectionFailed(PooledConnection connection, String reason) {
        assert loop.inEventLoop();
        connecting--;
        String why = "dial " + address.getHostString() + ":" + address.getPort() + ": " + reason;
        ejectBeforeFailing(why);
        settleFresh(connection.channel(), null, why);
        failWaiters(why);
    }

    /** The connection has more room (a stream ended, or SETTINGS raised the limit). */
    public void capacityAvailable() {
        if (!waiters.isEmpty()) {
            serveWaiters();
        }
    }

    /** The connection is gone (closed, or its dial failed after {@link #connectionActive} was never called). */
    public void connectionClosed(PooledConnection connection) {
        assert loop.inEventLoop();
        ready.remove(connection);
    }

    /** Closes every connection and fails every waiter. */
    public void close() {
        closed = true;
        for (PooledConnection c : new ArrayList<>(ready)) {
            c.closeNow();
        }
        failWaiters("sidecar is shutting down");
        for (PoolWaiter w : new ArrayList<>(freshWaiters.values())) {
            if (!w.isAbandoned()) {
                w.connectionFailed("sidecar is shutting down");
            }
        }
        freshWaiters.clear();
    }

    public int connectionCount() {
        return ready.size() + connecting;
    }

    /** No connection, no dial under way and no call waiting: the pool may be dropped and made again when needed. */
    public boolean isIdle() {
        return ready.isEmpty() && connecting == 0 && waiters.isEmpty() && freshWaiters.isEmpty()
                && dialingFresh == null;
    }

    private void serveWaiters() {
        while (!waiters.isEmpty()) {
            PoolWaiter w = waiters.peekFirst();
            if (w.isAbandoned()) {
                waiters.pollFirst();
                continue;
            }
            PooledConnection c = firstWithRoom();
            if (c == null) {
                if (connecting == 0) {
                    dial();
                }
                return;
            }
            waiters.pollFirst();
            w.connectionReady(c);
        }
    }

    private PooledConnection firstWithRoom() {
        for (int i = 0; i < ready.size(); i++) {
            if (ready.get(i).canOpenStream()) {
                return ready.get(i);
            }
        }
        return null;
    }

    /** @return the channel being dialled (null when the dial failed at once; waiters were failed then) */
    private Channel dial() {
        connecting++;
        ChannelFuture f = dialer.dial(this);
        Channel ch = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                connecting--;
                String reason = describe(done.cause());
                ejectBeforeFailing(reason);
                settleFresh(ch, null, reason);
                failWaiters(reason);
            }
        });
        return f.isDone() && !f.isSuccess() ? null : ch;
    }

    /** Ejects the address before the waiters hear of the failure, so a call that retries at once goes elsewhere. */
    private void ejectBeforeFailing(String reason) {
        if (outliers != null && !closed) {
            outliers.failed(address, reason);
        }
    }

    private void failWaiters(String reason) {
        PoolWaiter w;
        while ((w = waiters.pollFirst()) != null) {
            if (!w.isAbandoned()) {
                w.connectionFailed(reason);
            }
        }
    }

    private String describe(Throwable cause) {
        String msg = cause == null ? null : cause.getMessage();
        if (msg == null || msg.isEmpty()) {
            msg = cause == null ? "unknown" : cause.getClass().getSimpleName();
        }
        return "dial " + address.getHostString() + ":" + address.getPort() + ": " + msg;
    }
}
