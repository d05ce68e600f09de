package io.h2splice.core.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StaticResolverTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 50002);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 50012);

    @Test
    void answersAtOnceByAppAndNamespace() {
        StaticResolver r = new StaticResolver(Map.of(
                new AppKey("server", "default"), List.of(A, B),
                new AppKey("server", "prod"), List.of(B)));

        CompletableFuture<List<InetSocketAddress>> f = r.resolve("server", "default");
        assertTrue(f.isDone());
        assertEquals(List.of(A, B), f.join());
        assertEquals(List.of(B), r.resolve("server", "prod").join());
        assertEquals(List.of(), r.resolve("server", "other").join());
        assertEquals(List.of(), r.resolve("nobody", "default").join());
    }

    @Test
    void isImmutable() {
        Map<AppKey, List<InetSocketAddress>> m = new HashMap<>();
        m.put(new AppKey("a", "default"), List.of(A));
        StaticResolver r = new StaticResolver(m);
        m.clear();
        assertEquals(List.of(A), r.resolve("a", "default").join());
        assertThrows(UnsupportedOperationException.class, () -> r.addresses().clear());
    }

    @Test
    void rejectsUnresolvedAndEmpty() {
        assertThrows(IllegalArgumentException.class, () -> new StaticResolver(
                Map.of(new AppKey("a", "default"), List.of(InetSocketAddress.createUnresolved("db.example", 1)))));
        assertThrows(IllegalArgumentException.class, () -> new StaticResolver(
                Map.of(new AppKey("a", "default"), List.of())));
        assertThrows(IllegalArgumentException.class, () -> new AppKey("a.b", "default"));
    }
}
