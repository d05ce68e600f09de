package io.h2splice.core.splice;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.pool.OutlierDetector;
import io.h2splice.core.pool.PoolWaiter;
import io.h2splice.core.pool.PooledConnection;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sidecar pools eject through the detector all loops share and {@link LoopState#pick} skips; the app pool never. */
class LoopStateEjectionTest {

    private static final InetSocketAddress DEAD = new InetSocketAddress("127.0.0.1", 1001);
    private static final InetSocketAddress LIVE = new InetSocketAddress("127.0.0.1", 1002);

    private final EmbeddedChannel one = new EmbeddedChannel();
    private final EmbeddedChannel two = new EmbeddedChannel();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final OutlierDetector outliers = new OutlierDetector(metrics);
    private final List<String> failures = new ArrayList<>();

    private final PoolWaiter waiter = new PoolWaiter() {
        @Override
        public void connectionReady(PooledConnection connection) {
            throw new AssertionError("no dial succeeds here");
        }

        @Override
        public void connectionFailed(String reason) {
            failures.add(reason);
        }

        @Override
        public boolean isAbandoned() {
            return false;
        }
    };

    private LoopState loop(EmbeddedChannel ch) {
        Dialer refused = pool -> ch.newFailedFuture(new ConnectException("Connection refused"));
        return LoopState.builder(ch.eventLoop(), ProxyConfig.loopback("client", 50051), metrics).sidecarDialer(refused)
                .app(new InetSocketAddress("127.0.0.1", 50051), refused).outliers(outliers).build();
    }

    @AfterEach
    void tearDown() {
        one.finishAndReleaseAll();
        two.finishAndReleaseAll();
    }

    @Test
    void aFailedSidecarDialOnOneLoopSteersEveryLoopAway() {
        LoopState a = loop(one);
        LoopState b = loop(two);
        List<InetSocketAddress> addresses = List.of(DEAD, LIVE);
        assertEquals(DEAD, a.pick(addresses), "round-robin starts at the first address");
        a.sidecarPool("server", "default", DEAD).acquire(waiter);
        assertEquals(List.of("dial 127.0.0.1:1001: Connection refused"), failures);
        assertEquals(1, metrics.sidecarEjections());
        for (int i = 0; i < 4; i++) {
            assertEquals(LIVE, a.pick(addresses));
            assertEquals(LIVE, b.pick(addresses), "the other loop shares the ejection");
        }
    }

    @Test
    void theAppPoolIsNeverEjected() {
        LoopState a = loop(one);
        a.appPool().acquire(waiter);
        a.appPool().acquire(waiter);
        assertEquals(2, failures.size());
        assertEquals(0, metrics.sidecarEjections());
    }
}
