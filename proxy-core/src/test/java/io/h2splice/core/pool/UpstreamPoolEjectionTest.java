package io.h2splice.core.pool;

import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a pool tells the {@link OutlierDetector}, and when: before its waiters hear of a failure. */
class UpstreamPoolEjectionTest {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 1001);

    private final EmbeddedChannel loopChannel = new EmbeddedChannel();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final OutlierDetector outliers = new OutlierDetector(metrics);

    /** Records each failure with whether the address was already ejected when the waiter heard of it. */
    private final class Waiter implements PoolWaiter {
        final List<String> failures = new ArrayList<>();
        final List<Boolean> ejectedWhenFailed = new ArrayList<>();
        PooledConnection ready;

        @Override
        public void connectionReady(PooledConnection connection) {
            ready = connection;
        }

        @Override
        public void connectionFailed(String reason) {
            failures.add(reason);
            ejectedWhenFailed.add(outliers.isEjected(ADDRESS));
        }

        @Override
        public boolean isAbandoned() {
            return false;
        }
    }

    private static final class Connection implements PooledConnection {
        final Channel channel = new EmbeddedChannel();

        @Override
        public boolean canOpenStream() {
            return true;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public void closeNow() {
            channel.close();
        }
    }

    private final Dialer refused = pool -> loopChannel.newFailedFuture(new ConnectException("Connection refused"));

    @AfterEach
    void tearDown() {
        loopChannel.finishAndReleaseAll();
    }

    private UpstreamPool sidecarPool(Dialer dialer) {
        return new UpstreamPool(loopChannel.eventLoop(), ADDRESS, "server", "default", dialer, outliers);
    }

    @Test
    void aFailedDialEjectsTheAddressBeforeTheWaitersFail() {
        UpstreamPool pool = sidecarPool(refused);
        Waiter first = new Waiter();
        pool.acquire(first);
        assertEquals(List.of("dial 127.0.0.1:1001: Connection refused"), first.failures);
        assertEquals(List.of(true), first.ejectedWhenFailed, "a call retrying at once must see the ejection");
        assertEquals(1, metrics.sidecarEjections());

        Waiter fresh = new Waiter(); // a refused-stream retry dials too
        pool.acquireFresh(fresh);
        assertEquals(1, fresh.failures.size());
        assertEquals(1, metrics.sidecarEjections(), "already ejected: counted once");
    }

    @Test
    void aFailedHandshakeEjectsAndAConnectionBringsTheAddressBack() {
        UpstreamPool pool = sidecarPool(pool1 -> loopChannel.newPromise()); // dial in progress
        Waiter w = new Waiter();
        pool.acquire(w);
        pool.connectionFailed(new Connection(), "peer is not spiffe://public/ns/default/server");
        assertEquals(List.of("dial 127.0.0.1:1001: peer is not spiffe://public/ns/default/server"), w.failures);
        assertEquals(List.of(true), w.ejectedWhenFailed);

        Waiter next = new Waiter();
        pool.acquire(next);
        Connection c = new Connection();
        pool.connectionActive(c);
        assertEquals(c, next.ready);
        assertFalse(outliers.isEjected(ADDRESS), "a connection made ends the ejection");
    }

    @Test
    void aPoolWithoutDetectorNeverEjects() {
        UpstreamPool app = new UpstreamPool(loopChannel.eventLoop(), ADDRESS, null, null, refused);
        Waiter w = new Waiter();
        app.acquire(w);
        assertEquals(1, w.failures.size());
        assertEquals(0, metrics.sidecarEjections());
    }

    @Test
    void dialsFailingBecauseThePoolClosedDoNotEject() {
        List<io.netty.channel.ChannelPromise> dials = new ArrayList<>();
        UpstreamPool pool = sidecarPool(p -> {
            io.netty.channel.ChannelPromise promise = loopChannel.newPromise();
            dials.add(promise);
            return promise;
        });
        Waiter w = new Waiter();
        pool.acquire(w);
        pool.close();
        dials.get(0).setFailure(new ConnectException("event loop shut down"));
        assertTrue(w.failures.get(0).contains("shutting down"), w.failures.toString());
        assertEquals(0, metrics.sidecarEjections());
    }
}
