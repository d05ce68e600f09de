package io.h2splice.core.config.resiliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResiliencyRecordsTest {

    @Test
    void statusCodeLists() {
        assertEquals(Set.of(1, 2, 5, 6, 7), StatusCodes.parse("1,2,5-7", 0, 16, "gRPC"));
        assertEquals(Set.of(1, 2, 3, 4, 8, 9, 10, 11, 13, 14), StatusCodes.parse(" 1-4, 8-11,13 ,14", 0, 16, "gRPC"));
        assertEquals(Set.of(), StatusCodes.parse("", 0, 16, "gRPC"));
        assertEquals(Set.of(0, 16), StatusCodes.parse("0,16", 0, 16, "gRPC"));
        assertEquals("gRPC status code 17 is out of range 0-16",
                assertThrows(IllegalArgumentException.class, () -> StatusCodes.parse("1,17", 0, 16, "gRPC"))
                        .getMessage());
        assertEquals("range '7-5' ends before it starts",
                assertThrows(IllegalArgumentException.class, () -> StatusCodes.parse("7-5", 0, 16, "gRPC"))
                        .getMessage());
        assertEquals("expected gRPC status codes or ranges such as \"1,2-4\", got 'x'",
                assertThrows(IllegalArgumentException.class, () -> StatusCodes.parse("1,x", 0, 16, "gRPC"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> StatusCodes.parse("1,,2", 0, 16, "gRPC"));
    }

    @Test
    void retryDefaultsAreDapr() {
        RetryPolicy r = RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT);
        assertEquals(Duration.ofSeconds(5), r.duration());
        assertEquals(Duration.ofMillis(500), r.initialInterval());
        assertEquals(1.5, r.multiplier());
        assertEquals(0.5, r.randomizationFactor());
        assertEquals(Duration.ofSeconds(60), r.maxInterval());
        assertEquals(Duration.ofMinutes(15), r.maxElapsedTime());
        assertEquals(-1, r.maxRetries());
        assertTrue(r.retries(5));
        assertFalse(r.retries(0));
    }

    @Test
    void retryMatchesOnlyListedCodes() {
        RetryPolicy d = RetryPolicy.defaults(RetryPolicy.Kind.EXPONENTIAL);
        RetryPolicy r = new RetryPolicy(d.policy(), d.duration(), d.initialInterval(), d.randomizationFactor(),
                d.multiplier(), d.maxInterval(), d.maxElapsedTime(), 3, Set.of(14), Set.of());
        assertTrue(r.retries(14));
        assertFalse(r.retries(5));
        assertThrows(UnsupportedOperationException.class, () -> r.grpcStatusCodes().add(1));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(d.policy(), d.duration(),
                d.initialInterval(), d.randomizationFactor(), d.multiplier(), d.maxInterval(), d.maxElapsedTime(),
                -2, Set.of(), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(d.policy(), Duration.ofSeconds(-1),
                d.initialInterval(), d.randomizationFactor(), d.multiplier(), d.maxInterval(), d.maxElapsedTime(),
                3, Set.of(), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(d.policy(), d.duration(),
                d.initialInterval(), d.randomizationFactor(), d.multiplier(), d.maxInterval(), d.maxElapsedTime(),
                3, Set.of(17), Set.of()));
    }

    @Test
    void breakerDefaultsAreGobreaker() {
        CircuitBreakerPolicy cb = CircuitBreakerPolicy.defaults();
        assertEquals(1, cb.maxRequests());
        assertEquals(Duration.ZERO, cb.interval());
        assertEquals(Duration.ofSeconds(60), cb.timeout());
        assertEquals("consecutiveFailures > 5", cb.trip());
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitBreakerPolicy(0, Duration.ZERO, Duration.ofSeconds(1), "requests > 1"));
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitBreakerPolicy(1, Duration.ZERO, Duration.ZERO, "requests > 1"));
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitBreakerPolicy(1, Duration.ZERO, Duration.ofSeconds(1), " "));
    }

    @Test
    void targetsMustReferToDefinedPolicies() {
        Map<String, Duration> timeouts = Map.of("general", Duration.ofSeconds(5));
        Resiliency ok = new Resiliency("r", List.of("a"), timeouts, Map.of(), Map.of(),
                Map.of("server", new AppTarget("general", null, null, 100)));
        assertTrue(ok.appliesTo("a"));
        assertFalse(ok.appliesTo("b"));
        assertTrue(new Resiliency("r", List.of(), Map.of(), Map.of(), Map.of(), Map.of()).appliesTo("b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Resiliency("r",
                List.of(), timeouts, Map.of(), Map.of(), Map.of("server", new AppTarget("general", "nope", null, 1))));
        assertEquals("target app 'server' refers to retry policy 'nope', which is not defined", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> ok.apps().put("x", null));
        assertThrows(IllegalArgumentException.class, () -> new AppTarget(null, null, null, 0));
    }
}
