package io.h2splice.core.splice;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.Dialer;
import io.h2splice.core.pool.PoolWaiter;
import io.h2splice.core.pool.PooledConnection;
import io.h2splice.core.pool.UpstreamPool;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loop's map of sidecar pools is bounded as pods come and go: idle pools are dropped, busy ones kept. */
class LoopStatePoolsTest {

    private final EmbeddedChannel ch = new EmbeddedChannel();

    private final PoolWaiter failing = new PoolWaiter() {
        @Override
        public void connectionReady(PooledConnection connection) {
            throw new AssertionError("no dial succeeds here");
        }

        @Override
        public void connectionFailed(String reason) {
        }

        @Override
        public boolean isAbandoned() {
            return false;
        }
    };

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private final ProxyMetrics metrics = new ProxyMetrics();

    private LoopState loop(Dialer dialer) {
        return LoopState.builder(ch.eventLoop(), ProxyConfig.loopback("client", 50051), metrics).sidecarDialer(dialer)
                .app(new InetSocketAddress("127.0.0.1", 50051), dialer).build();
    }

    @Test
    void tenThousandPodsComeAndGoAndTheMapStaysSmall() {
        LoopState loop = loop(pool -> ch.newFailedFuture(new ConnectException("Connection refused")));
        for (int i = 0; i < 10_000; i++) { // each pod called once, then gone (its dial fails)
            InetSocketAddress pod = new InetSocketAddress("10.0." + (i >> 8 & 255) + "." + (i & 255), 50002);
            loop.sidecarPool("server", "default", pod).acquire(failing);
            assertTrue(loop.sidecarPoolCount() <= LoopState.PRUNE_FLOOR, "pools kept: " + loop.sidecarPoolCount());
        }
        assertEquals((long) loop.sidecarPoolCount(), metrics.entries().get("sidecar_pools"),
                "the metrics page shows the pools kept");
        long ejected = metrics.entries().get("ejected_addresses");
        assertTrue(ejected >= 1 && ejected <= 10_000, "every failed pod ejected, each kept a while: " + ejected);
    }

    @Test
    void poolsInUseAreKeptAndTheBoundFollowsThem() {
        LoopState loop = loop(pool -> ch.newPromise()); // dials that never end: every pool stays busy
        UpstreamPool first = loop.sidecarPool("server", "default", new InetSocketAddress("10.1.0.1", 50002));
        first.acquire(failing);
        for (int i = 2; i < 1_000; i++) {
            loop.sidecarPool("server", "default", new InetSocketAddress("10.1." + (i >> 8) + "." + (i & 255), 50002))
                    .acquire(failing);
        }
        assertEquals(999, loop.sidecarPoolCount(), "busy pools are never dropped");
        assertEquals(999L, metrics.entries().get("sidecar_pools"));
        assertSame(first, loop.sidecarPool("server", "default", new InetSocketAddress("10.1.0.1", 50002)));
    }
}
