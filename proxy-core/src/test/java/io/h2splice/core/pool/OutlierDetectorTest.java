package io.h2splice.core.pool;

import io.h2splice.core.metrics.ProxyMetrics;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutlierDetectorTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SEC = TimeUnit.SECONDS.toNanos(1);
    /** A start close to overflow, to catch comparisons of nanoTime values that are not overflow-safe. */
    private static final long T0 = Long.MAX_VALUE - 5 * SEC;

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 1001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 1002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 1003);

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final AtomicInteger clockReads = new AtomicInteger();
    private long now = T0;
    private final OutlierDetector outliers = new OutlierDetector(metrics, () -> {
        clockReads.incrementAndGet();
        return now;
    });

    private List<InetSocketAddress> picks(List<InetSocketAddress> addresses, int turns) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (int turn = 0; turn < turns; turn++) {
            out.add(outliers.pick(addresses, turn));
        }
        return out;
    }

    @Test
    void constantsAreTheDocumentedOnes() {
        assertEquals(SEC, OutlierDetector.BASE_EJECTION.toNanos());
        assertEquals(30 * SEC, OutlierDetector.MAX_EJECTION.toNanos());
    }

    @Test
    void nothingEjectedIsPlainRoundRobinWithoutReadingTheClock() {
        assertEquals(List.of(A, B, C, A, B, C), picks(List.of(A, B, C), 6));
        outliers.connected(A); // a connection made while nothing is ejected changes nothing
        assertEquals(List.of(A, B, C), picks(List.of(A, B, C), 3));
        assertEquals(0, clockReads.get(), "the healthy path must not even read the clock");
    }

    @Test
    void aFailureEjectsForTheBasePeriodThenTheAddressIsPickedAgain() {
        outliers.failed(B, "dial 127.0.0.1:1002: refused");
        assertTrue(outliers.isEjected(B));
        assertEquals(1, metrics.sidecarEjections());
        assertEquals(List.of(A, A, A, A), picks(List.of(A, B), 4));

        now = T0 + SEC - 1;
        assertTrue(outliers.isEjected(B), "still ejected 1 ns before the period ends");
        now = T0 + SEC;
        assertFalse(outliers.isEjected(B));
        assertEquals(List.of(A, B, A, B), picks(List.of(A, B), 4));
    }

    @Test
    void healthyAddressesShareTheCallsEvenly() {
        outliers.failed(B, "refused");
        assertEquals(List.of(A, C, A, C, A, C), picks(List.of(A, B, C), 6));
        outliers.failed(A, "refused");
        assertEquals(List.of(C, C, C), picks(List.of(A, B, C), 3));
    }

    @Test
    void consecutiveFailuresDoubleThePeriodUpToTheCap() {
        long[] expectedSeconds = {1, 2, 4, 8, 16, 30, 30, 30};
        for (long seconds : expectedSeconds) {
            outliers.failed(A, "refused");
            now += seconds * SEC - 1;
            assertTrue(outliers.isEjected(A), "ejected for " + seconds + " s");
            now += 1;
            assertFalse(outliers.isEjected(A), "back after " + seconds + " s");
        }
        assertEquals(expectedSeconds.length, metrics.sidecarEjections());
    }

    @Test
    void failuresWhileEjectedNeitherCountNorLengthenThePeriod() {
        outliers.failed(A, "refused"); // e.g. the dials of several loops failing together
        now += 500 * MS;
        outliers.failed(A, "refused");
        outliers.failed(A, "refused");
        assertEquals(1, metrics.sidecarEjections());
        now = T0 + SEC;
        assertFalse(outliers.isEjected(A), "the period still ends 1 s after the first failure");
        outliers.failed(A, "refused");
        now = T0 + 3 * SEC - 1;
        assertTrue(outliers.isEjected(A), "second ejection in a row: 2 s");
        now = T0 + 3 * SEC;
        assertFalse(outliers.isEjected(A));
    }

    @Test
    void aConnectionEndsTheEjectionAndResetsTheBackOff() {
        outliers.failed(A, "refused");
        now += SEC;
        outliers.failed(A, "refused"); // 2 s
        outliers.connected(A); // e.g. another loop's dial, or the fallback of an all-ejected pick, got through
        assertFalse(outliers.isEjected(A));
        assertEquals(List.of(A, B), picks(List.of(A, B), 2));
        outliers.failed(A, "refused");
        now += SEC;
        assertFalse(outliers.isEjected(A), "back to the base period after a success");
    }

    @Test
    void anAddressQuietForLongerThanTheCapStartsAgainAtTheBasePeriod() {
        outliers.failed(A, "refused");
        now += SEC;
        outliers.failed(A, "refused"); // 2 s, ends at T0 + 3 s
        now = T0 + 3 * SEC + 30 * SEC; // exactly the cap after the end: still remembered
        outliers.failed(A, "refused");
        now += 4 * SEC - 1;
        assertTrue(outliers.isEjected(A), "third in a row: 4 s");
        now += 1 + 30 * SEC + 1; // more than the cap after the end
        outliers.failed(A, "refused");
        now += SEC;
        assertFalse(outliers.isEjected(A), "forgotten: 1 s again");
    }

    @Test
    void whenEveryAddressIsEjectedTheOneWhoseEjectionEndsFirstIsPicked() {
        outliers.failed(B, "refused"); // ends at T0 + 1 s
        now += SEC;
        outliers.failed(B, "refused"); // second in a row: ends at T0 + 3 s
        outliers.failed(A, "refused"); // ends at T0 + 2 s
        now += MS;
        outliers.failed(C, "refused"); // ends at T0 + 2.001 s
        for (int turn = 0; turn < 4; turn++) {
            assertSame(A, outliers.pick(List.of(B, A, C), turn));
            assertSame(A, outliers.pick(List.of(C, B, A), turn));
        }
        assertSame(C, outliers.pick(List.of(C, B), 0));
        assertSame(B, outliers.pick(List.of(B), 7), "a single address is always picked");
        now = T0 + 2 * SEC;
        assertEquals(List.of(A, A), picks(List.of(B, A, C), 2), "A is back first");
    }

    @Test
    void aTieBetweenEjectionsEndingTogetherGoesToTheFirstListed() {
        outliers.failed(A, "refused");
        outliers.failed(C, "refused");
        assertSame(C, outliers.pick(List.of(C, A), 0));
        assertSame(A, outliers.pick(List.of(A, C), 1));
    }

    @Test
    void manyThreadsFailingTheSameAddressEjectItOnce() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < 1000; k++) {
                    outliers.failed(A, "refused");
                    outliers.pick(List.of(A, B), k);
                }
            });
            t.start();
            all.add(t);
        }
        start.countDown();
        for (Thread t : all) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "a thread did not finish");
        }
        assertEquals(1, metrics.sidecarEjections());
        assertTrue(outliers.isEjected(A));
    }
}
