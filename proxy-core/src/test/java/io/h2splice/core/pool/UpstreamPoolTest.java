package io.h2splice.core.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's own rules, driven through its interfaces: each dial is a promise the test completes, each connection a
 * scripted {@link PooledConnection} with a stream limit, and each waiter opens one stream on the connection it is
 * handed, as a splice does. {@code splice.UpstreamPoolSpliceTest} drives the same rules with the engine's real
 * connections over the wire.
 */
class UpstreamPoolTest {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 1001);

    private final EmbeddedChannel loopChannel = new EmbeddedChannel();
    /** The channel of every dial, in order; its promise is in {@link #dials}. */
    private final List<EmbeddedChannel> dialled = new ArrayList<>();
    private final List<ChannelPromise> dials = new ArrayList<>();
    /**
     * When above 0, each dial's connection (with room for this many streams) becomes active inside
     * {@link Dialer#dial}, as an in-memory transport's does.
     */
    private int connectAtOnce;
    private final UpstreamPool pool = new UpstreamPool(loopChannel.eventLoop(), ADDRESS, "server", "default",
            this::dial);

    private ChannelPromise dial(UpstreamPool p) {
        EmbeddedChannel ch = new EmbeddedChannel();
        dialled.add(ch);
        ChannelPromise promise = ch.newPromise();
        dials.add(promise);
        if (connectAtOnce > 0) {
            promise.setSuccess();
            p.connectionActive(new Connection(ch, connectAtOnce));
        }
        return promise;
    }

    @AfterEach
    void tearDown() {
        dialled.forEach(EmbeddedChannel::finishAndReleaseAll);
        loopChannel.finishAndReleaseAll();
    }

    /** One upstream connection: room for {@code maxStreams} streams until it drains. */
    private static final class Connection implements PooledConnection {
        final Channel channel;
        final int maxStreams;
        int open;
        boolean draining;

        Connection(Channel channel, int maxStreams) {
            this.channel = channel;
            this.maxStreams = maxStreams;
        }

        @Override
        public boolean canOpenStream() {
            return !draining && open < maxStreams;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public void closeNow() {
            draining = true;
            channel.close();
        }
    }

    /** A call: opens its stream on the connection it is handed; records every answer, so a second one shows. */
    private static final class Waiter implements PoolWaiter {
        final List<Object> answers = new ArrayList<>();
        boolean abandoned;

        @Override
        public void connectionReady(PooledConnection connection) {
            answers.add(connection);
            ((Connection) connection).open++;
        }

        @Override
        public void connectionFailed(String reason) {
            answers.add(reason);
        }

        @Override
        public boolean isAbandoned() {
            return abandoned;
        }

        /** The connection this call was handed, or null while it waits; fails on a failure or a second answer. */
        Connection connection() {
            assertTrue(answers.size() <= 1, "answered more than once: " + answers);
            return answers.isEmpty() ? null : (Connection) answers.get(0);
        }

        String failure() {
            assertEquals(1, answers.size(), "answers: " + answers);
            return (String) answers.get(0);
        }
    }

    private Waiter acquire() {
        Waiter w = new Waiter();
        pool.acquire(w);
        return w;
    }

    private Waiter acquireFresh() {
        Waiter w = new Waiter();
        pool.acquireFresh(w);
        return w;
    }

    /** Dial {@code i} connects and its connection finishes its preface, with room for {@code maxStreams}. */
    private Connection connect(int i, int maxStreams) {
        dials.get(i).setSuccess();
        Connection c = new Connection(dialled.get(i), maxStreams);
        pool.connectionActive(c);
        return c;
    }

    // === a new connection at MAX_CONCURRENT_STREAMS ===

    @Test
    void aCallBeyondTheConnectionsStreamLimitDialsASecondConnection() {
        Waiter w1 = acquire();
        assertEquals(1, dials.size());
        Connection first = connect(0, 2);
        Waiter w2 = acquire();
        assertSame(first, w1.connection());
        assertSame(first, w2.connection(), "room for a second stream: no dial");
        assertEquals(1, dials.size());

        Waiter w3 = acquire();
        assertEquals(2, dials.size(), "the first connection is at its limit: a second is dialled");
        assertNull(w3.connection(), "the call waits for that dial");
        Waiter w4 = acquire();
        assertEquals(2, dials.size(), "one dial at a time: the next call waits for the same one");

        Connection second = connect(1, 2);
        assertSame(second, w3.connection());
        assertSame(second, w4.connection());
        assertEquals(2, first.open, "the first connection keeps its streams");
        assertEquals(2, pool.connectionCount());

        first.open--; // a call on the first connection ended
        pool.capacityAvailable();
        assertSame(first, acquire().connection(), "the first connection with room is used again");
        assertEquals(2, dials.size());
    }

    @Test
    void aCallWaitingAtTheLimitTakesTheFirstStreamThatEnds() {
        acquire();
        Connection first = connect(0, 1);
        Waiter waiting = acquire();
        assertEquals(2, dials.size());

        first.open--;
        pool.capacityAvailable();
        assertSame(first, waiting.connection(), "served by the stream that ended, not made to wait for the dial");
        Connection second = connect(1, 1);
        assertEquals(0, second.open, "the dial's connection joins the pool for later calls");
        assertEquals(2, pool.connectionCount());
    }

    // === GOAWAY draining ===

    @Test
    void aDrainingConnectionIsNeverHandedOutAgain() {
        Waiter running = acquire();
        Connection first = connect(0, 100);
        // What UpstreamHandler does on GOAWAY: it stops opening streams and leaves the pool (it closes itself once
        // its last stream ends).
        first.draining = true;
        pool.connectionClosed(first);
        assertEquals(0, pool.connectionCount(), "a draining connection is no longer the pool's");

        Waiter next = acquire();
        assertEquals(2, dials.size(), "a new call dials, though the draining connection had room");
        Connection second = connect(1, 100);
        assertSame(second, next.connection());
        assertSame(first, running.connection());
        assertEquals(1, first.open, "the draining connection's stream is not touched by the pool");
    }

    // === acquireFresh: a refused stream's replay ===

    @Test
    void acquireFreshDialsANewConnectionEvenWhenOneHasRoom() {
        acquire();
        Connection first = connect(0, 100);
        Waiter refused = acquireFresh();
        assertEquals(2, dials.size(), "never the connection that refused: a dial of its own");
        assertNull(refused.connection(), "waits for its own dial, though the first connection has room");
        Connection fresh = connect(1, 100);
        assertSame(fresh, refused.connection());
        assertEquals(1, first.open);
        assertSame(first, acquire().connection(), "the fresh connection is an ordinary member afterwards");
        assertEquals(2, pool.connectionCount());
    }

    @Test
    void aFreshWaiterGetsTheConnectionOfItsOwnDialNotTheFirstToConnect() {
        acquire();
        connect(0, 1);
        Waiter queued = acquire(); // at the limit: dial 1
        Waiter refused = acquireFresh(); // dial 2
        assertEquals(3, dials.size());

        Connection plain = connect(1, 100);
        assertSame(plain, queued.connection());
        assertNull(refused.connection(), "the connection of another dial is not the fresh one, though it has room");
        Connection fresh = connect(2, 100);
        assertSame(fresh, refused.connection());
    }

    @Test
    void aFreshDialThatConnectsWithinDialReachesItsWaiter() {
        connectAtOnce = 100;
        Waiter refused = acquireFresh();
        assertEquals(1, dials.size());
        assertSame(dialled.get(0), refused.connection().channel());
        assertEquals(1, pool.connectionCount());
    }

    @Test
    void aFreshDialThatFailsFailsItsWaiter() {
        Waiter refused = acquireFresh();
        dials.get(0).setFailure(new ConnectException("Connection refused"));
        assertEquals("dial 127.0.0.1:1001: Connection refused", refused.failure());
        assertEquals(0, pool.connectionCount());
        assertTrue(pool.isIdle(), "nothing left waiting for that dial");
    }

    @Test
    void aFreshConnectionWhoseHandshakeFailsFailsItsWaiter() {
        Waiter refused = acquireFresh();
        dials.get(0).setSuccess(); // TCP connected; the TLS handshake or the peer check failed
        pool.connectionFailed(new Connection(dialled.get(0), 100), "peer is not spiffe://public/ns/default/server");
        assertEquals("dial 127.0.0.1:1001: peer is not spiffe://public/ns/default/server", refused.failure());
        assertTrue(pool.isIdle());
    }

    @Test
    void aFreshWaiterThatGaveUpIsNotHandedItsConnection() {
        Waiter refused = acquireFresh();
        refused.abandoned = true; // the call ended while its replay was dialling
        Connection fresh = connect(0, 100);
        assertTrue(refused.answers.isEmpty(), "an abandoned waiter hears nothing: " + refused.answers);
        assertEquals(0, fresh.open);
        assertSame(fresh, acquire().connection(), "the connection is the pool's all the same");
    }

    @Test
    void closingThePoolFailsAFreshWaiter() {
        Waiter refused = acquireFresh();
        pool.close();
        assertTrue(refused.failure().contains("shutting down"), refused.answers.toString());
        dials.get(0).setFailure(new ConnectException("event loop shut down"));
        assertEquals(1, refused.answers.size(), "answered once: " + refused.answers);
    }
}
