package io.h2splice.bench.soak;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixTest {

    private static List<CallPlan> draw(long seed, int n) {
        Mix mix = new Mix(seed);
        List<CallPlan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            plans.add(mix.next());
        }
        return plans;
    }

    @Test
    void theSameSeedGivesTheSamePlans() {
        assertEquals(draw(7, 5_000), draw(7, 5_000));
        assertNotEquals(draw(7, 100), draw(8, 100));
        assertEquals(0, draw(7, 1).get(0).seq());
    }

    @Test
    void proportionsAreAsDocumented() {
        int n = 200_000;
        List<CallPlan> plans = draw(1, n);
        double cancelled = share(plans, p -> p.fate() == CallPlan.Fate.CANCEL_EARLY
                || p.fate() == CallPlan.Fate.CANCEL_MID);
        double expiring = share(plans, p -> p.fate() == CallPlan.Fate.DEADLINE);
        double slow = share(plans, p -> p.fate() == CallPlan.Fate.SLOW_READER);
        assertEquals(0.10, cancelled, 0.005);
        assertEquals(0.10, expiring, 0.005);
        assertEquals(0.02, slow, 0.002);
        double normal = 1 - cancelled - expiring - slow;
        assertEquals(0.78 * 0.75, share(plans, p -> p.fate() == CallPlan.Fate.NORMAL
                && p.kind() == CallPlan.Kind.UNARY), 0.005);
        assertEquals(0.5 * normal, share(plans, p -> p.fate() == CallPlan.Fate.NORMAL
                && p.deadlineMillis() == Mix.NEVER_EXPIRES_MILLIS), 0.005);
        assertEquals(0.05, share(plans, p -> p.fate() == CallPlan.Fate.CANCEL_EARLY
                && p.kind() == CallPlan.Kind.UNARY), 0.003);
        assertEquals(0.025, share(plans, p -> p.fate() == CallPlan.Fate.CANCEL_MID), 0.003);
    }

    @Test
    void sizesAreSkewedSmallWithinTheirBounds() {
        List<CallPlan> plans = draw(2, 200_000);
        long unary = 0;
        long small = 0;
        double sum = 0;
        for (CallPlan p : plans) {
            assertTrue(p.size() >= Mix.MIN_SIZE, p::toString);
            assertTrue(p.offset() + p.size() + p.messages() <= Payloads.SIZE, p::toString);
            if (p.kind() == CallPlan.Kind.UNARY) {
                assertTrue(p.size() <= Mix.MAX_SIZE, p::toString);
                unary++;
                small += p.size() < 1024 ? 1 : 0;
                sum += p.size();
            } else {
                assertTrue(p.size() <= Mix.MAX_MESSAGE, p::toString);
            }
        }
        assertEquals(0.60, small / (double) unary, 0.01);
        // log-uniform bands: 0.6 * 242 + 0.3 * 15,512 + 0.08 * 141,833 + 0.02 * 567,330 = 27,493 bytes
        assertEquals(27_493, sum / unary, 1_500);
    }

    @Test
    void everyPlanCanEndAsItsFateSays() {
        for (CallPlan p : draw(3, 50_000)) {
            switch (p.fate()) {
                case NORMAL, SLOW_READER -> assertTrue(p.deadlineMillis() == 0
                        || p.deadlineMillis() == Mix.NEVER_EXPIRES_MILLIS, p::toString);
                case CANCEL_MID -> assertTrue(p.cancelAfter() >= 1 && p.cancelAfter() < p.messages()
                        && (p.kind() != CallPlan.Kind.SERVER_STREAM || p.serverIntervalMillis() >= 1), p::toString);
                case CANCEL_EARLY -> assertTrue(p.cancelDelayMicros() <= 2_000 && (p.kind() != CallPlan.Kind
                        .SERVER_STREAM || p.serverIntervalMillis() >= 1), p::toString);
                case DEADLINE -> {
                    assertTrue(p.deadlineMillis() >= 20 && p.deadlineMillis() <= 500, p::toString);
                    // the app paces a server stream well past its deadline: it cannot finish in time
                    assertTrue(p.kind() == CallPlan.Kind.BIDI
                            || p.messages() * p.serverIntervalMillis() > 2 * p.deadlineMillis(), p::toString);
                }
            }
            if (p.fate() == CallPlan.Fate.SLOW_READER) {
                assertEquals(CallPlan.Kind.SERVER_STREAM, p.kind());
                assertTrue(p.readIntervalMillis() >= 10);
            }
        }
    }

    @Test
    void expectedStatusesPerFate() {
        CallPlan normal = new CallPlan(0, CallPlan.Kind.UNARY, CallPlan.Fate.NORMAL, 16, 1, 0, 0, 0, 0, 0, 0);
        assertTrue(normal.expects(Status.Code.OK, false, false));
        assertFalse(normal.expects(Status.Code.UNAVAILABLE, false, false));
        CallPlan early = new CallPlan(1, CallPlan.Kind.UNARY, CallPlan.Fate.CANCEL_EARLY, 16, 1, 0, 5, 0, 0, 0, 0);
        assertTrue(early.expects(Status.Code.CANCELLED, true, false));
        assertFalse(early.expects(Status.Code.CANCELLED, false, false), "a CANCELLED the client did not ask for");
        assertTrue(early.expects(Status.Code.OK, false, false), "finished before its cancel");
        CallPlan mid = new CallPlan(2, CallPlan.Kind.SERVER_STREAM, CallPlan.Fate.CANCEL_MID, 16, 4, 2, 0, 0, 0, 5, 0);
        assertTrue(mid.expects(Status.Code.OK, false, false), "its trailers were in before the cancel");
        assertTrue(mid.expects(Status.Code.CANCELLED, true, false));
        assertFalse(mid.expects(Status.Code.UNAVAILABLE, true, false));
        CallPlan expiring = new CallPlan(3, CallPlan.Kind.BIDI, CallPlan.Fate.DEADLINE, 16, 2, 0, 0, 50, 0, 0, 0);
        assertTrue(expiring.expects(Status.Code.DEADLINE_EXCEEDED, false, true));
        assertTrue(expiring.expects(Status.Code.CANCELLED, false, true), "the app's copy of the deadline fired first");
        assertFalse(expiring.expects(Status.Code.CANCELLED, false, false), "a reset before the deadline is not one");
        assertFalse(expiring.expects(Status.Code.OK, false, true));
        assertEquals("bidi stream · deadline expires", expiring.label());
    }

    private static double share(List<CallPlan> plans, java.util.function.Predicate<CallPlan> test) {
        return plans.stream().filter(test).count() / (double) plans.size();
    }
}
