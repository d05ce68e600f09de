package io.h2splice.core.e2e;

import io.grpc.Status;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.OutlierDetector;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outlier ejection with real sidecars: A's resolver gives two addresses for {@code server}, one of them a closed
 * loopback port. After the dial to it fails, calls go to B and the dead address is not dialled again while ejected.
 *
 * <p>Timing: ejections last {@link OutlierDetector#BASE_EJECTION} (1 s) here. Assertions that need the dead address
 * still ejected are made only for calls that ended before the ejection could have, so a slow machine makes the
 * test check less, never fail wrongly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OutlierEjectionE2eTest {

    private static final long EJECTION_NANOS = OutlierDetector.BASE_EJECTION.toNanos();

    /** A loopback port nothing listens on: bound by the OS, then closed (connections to it are refused). */
    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return TwoSidecars.loopback(s.getLocalPort());
        }
    }

    private static CallResult echo(TwoSidecars t) {
        return GrpcCalls.unary(t.channel(), TestService.ECHO, routedTo(TwoSidecars.SERVER), new byte[] {7});
    }

    private static String dialError(InetSocketAddress dead) {
        return "dial " + dead.getHostString() + ":" + dead.getPort() + ": ";
    }

    private static void assertDialFailure(InetSocketAddress dead, CallResult r) {
        String description = String.valueOf(r.status().getDescription());
        if (r.status().getCode() != Status.Code.UNAVAILABLE || !description.contains(dialError(dead))) {
            throw new AssertionError("expected UNAVAILABLE '..." + dialError(dead) + "...' but got " + r.describe());
        }
    }

    @Test
    void callsGoToTheHealthyAddressAndTheDeadOneIsNotDialledWhileEjected() throws Exception {
        try (TwoSidecars t = TwoSidecars.start()) {
            InetSocketAddress dead = closedPort();
            InetSocketAddress live = TwoSidecars.loopback(t.sidecarB().internalPort());
            t.resolverA().put(TwoSidecars.SERVER, "default", dead, live);
            ProxyMetrics a = t.sidecarA().metrics();

            // Round-robin sends one of the first calls to the dead address (each loop starts at the first one).
            long deadCallStart = 0;
            for (int i = 0; a.dials(true, false) == 0; i++) {
                assertTrue(i < 4, "the dead address was never dialled");
                deadCallStart = System.nanoTime();
                CallResult r = echo(t);
                if (!r.status().isOk()) {
                    assertDialFailure(dead, r); // the waiters of a failed dial still fail; retrying is the splice's
                }
            }
            assertEquals(1, a.sidecarEjections(), "one failed dial, one ejection");

            // The ejection began after deadCallStart, so it lasts at least until deadCallStart + 1 s.
            long ejectedUntilAtLeast = deadCallStart + EJECTION_NANOS;
            int checked = 0;
            for (int i = 0; i < 20; i++) {
                CallResult r = echo(t);
                if (System.nanoTime() - ejectedUntilAtLeast >= 0) {
                    break; // the ejection may have ended: a later call may legitimately try the dead address again
                }
                r.assertOk();
                assertEquals("server-app", r.headers().get(TestApp.SERVED_BY));
                assertEquals(1, a.dials(true, false), "the dead address was dialled again during its ejection");
                checked++;
            }
            assertTrue(checked >= 2, "only " + checked + " call(s) fitted in the 1 s ejection: machine too slow?");
            assertEquals(1, a.dials(true, true), "one connection to the healthy sidecar, reused");
            assertEquals(1, a.sidecarEjections());
        }
    }

    @Test
    void whenEveryAddressIsEjectedCallsStillTryOne() throws Exception {
        try (TwoSidecars t = TwoSidecars.start()) {
            InetSocketAddress dead1 = closedPort();
            InetSocketAddress dead2 = closedPort();
            t.resolverA().put(TwoSidecars.SERVER, "default", dead1, dead2);
            ProxyMetrics a = t.sidecarA().metrics();

            long firstStart = System.nanoTime();
            assertDialFailure(dead1, echo(t)); // round-robin: the first address first
            assertDialFailure(dead2, echo(t)); // dead1 ejected: the other one
            assertEquals(2, a.sidecarEjections());
            assertEquals(2, a.dials(true, false));

            // Both ejected: the call is not failed by the proxy but dialled, to the address that comes back first.
            CallResult third = echo(t);
            boolean bothStillEjected = System.nanoTime() - (firstStart + EJECTION_NANOS) < 0;
            assertDialFailure(dead1, third);
            assertEquals(3, a.dials(true, false), "a call to an app whose every address is ejected still dials one");
            if (bothStillEjected) {
                assertEquals(2, a.sidecarEjections(), "a failure while ejected does not eject again");
            }
        }
    }
}
