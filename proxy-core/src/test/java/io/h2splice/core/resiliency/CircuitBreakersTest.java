package io.h2splice.core.resiliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

    private final List<String> created = new ArrayList<>();

    private CircuitBreakers cache(int capacity) {
        TripExpression trip = TripExpression.parse(TripExpression.DEFAULT_SOURCE);
        return new CircuitBreakers(capacity, (app, method, now) -> {
            created.add(app + method);
            return new CircuitBreaker(app + ":" + method, 1, 0, 0, trip, null, now);
        });
    }

    @Test
    void oneBreakerPerAppAndMethod() {
        CircuitBreakers c = cache(10);
        CircuitBreaker a = c.get("server", "/pkg.Svc/A", 1);
        assertSame(a, c.get("server", "/pkg.Svc/A", 2));
        assertNotSame(a, c.get("server", "/pkg.Svc/B", 3));
        assertNotSame(a, c.get("server.production", "/pkg.Svc/A", 4));
        assertEquals("server:/pkg.Svc/A", a.name());
        assertEquals(3, c.size());
        assertEquals(3, created.size());
    }

    @Test
    void evictsLeastRecentlyUsedAtCapacity() {
        CircuitBreakers c = cache(3);
        CircuitBreaker a = c.get("app", "A", 1);
        c.get("app", "B", 2);
        c.get("other", "C", 3);
        assertSame(a, c.get("app", "A", 4)); // A is now the most recent; B the least
        c.get("app", "D", 5);
        assertEquals(3, c.size());
        assertNull(c.peek("app", "B"));
        assertNotNull(c.peek("app", "A"));
        assertNotNull(c.peek("other", "C"));
        c.get("app", "E", 6); // evicts C, and with it the "other" app's map
        assertNull(c.peek("other", "C"));
        assertEquals(3, c.size());
        CircuitBreaker b2 = c.get("app", "B", 7); // an evicted key gets a fresh breaker
        assertNotNull(b2);
        assertEquals(List.of("appA", "appB", "otherC", "appD", "appE", "appB"), created);
    }

    @Test
    void defaultCapacityIsDaprs() {
        assertEquals(100, cache(0).capacity());
        assertEquals(100, CircuitBreakers.DEFAULT_CACHE_SIZE);
        CircuitBreakers c = cache(0);
        for (int i = 0; i < 150; i++) {
            c.get("app", "m" + i, i);
        }
        assertEquals(100, c.size());
        assertNull(c.peek("app", "m49"));
        assertNotNull(c.peek("app", "m50"));
    }
}
