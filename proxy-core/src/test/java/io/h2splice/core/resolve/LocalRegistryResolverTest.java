package io.h2splice.core.resolve;

import static io.h2splice.core.resolve.RegistryEntries.entry;
import static io.h2splice.core.resolve.RegistryEntries.self;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LocalRegistryResolverTest {

    @TempDir
    Path home;

    @Test
    void findsASidecarThatJustRegistered() throws Exception {
        LocalRegistry registry = new LocalRegistry(home);
        try (LocalRegistryResolver resolver = new LocalRegistryResolver(registry)) {
            assertEquals(List.of(), resolver.resolve("server", "default").get(5, TimeUnit.SECONDS));

            registry.register(self("server", 50002)); // right after a read: the snapshot is fresh and misses
            long start = System.nanoTime();
            List<InetSocketAddress> found = resolver.resolve("server", "default").get(5, TimeUnit.SECONDS);
            assertEquals(List.of(new InetSocketAddress("127.0.0.1", 50002)), found);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "within about one refresh");
        }
    }

    @Test
    void aHitIsAnsweredFromMemoryWithoutIo() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Set<String> readers = ConcurrentHashMap.newKeySet();
        LocalRegistry registry = new LocalRegistry(home, e -> {
            reads.incrementAndGet();
            readers.add(Thread.currentThread().getName());
            return true;
        });
        registry.register(self("server", 50002));
        try (LocalRegistryResolver resolver = new LocalRegistryResolver(registry, Duration.ofMinutes(1))) {
            resolver.resolve("server", "default").get(5, TimeUnit.SECONDS);
            int after = reads.get();
            for (int i = 0; i < 1000; i++) {
                CompletableFuture<List<InetSocketAddress>> f = resolver.resolve("server", "default");
                assertTrue(f.isDone(), "a hit is an already completed future");
                assertEquals(1, f.join().size());
            }
            assertEquals(after, reads.get(), "no registry read for hits within the refresh interval");
            assertEquals(Set.of("h2splice-registry-resolver"), readers, "file I/O only on the resolver thread");
        }
    }

    @Test
    void namespacesAreSeparate() throws Exception {
        LocalRegistry registry = new LocalRegistry(home);
        registry.register(entry("server", "prod", RegistryEntries.SELF, 50004));
        try (LocalRegistryResolver resolver = new LocalRegistryResolver(registry, Duration.ofMillis(20))) {
            assertEquals(1, resolver.resolve("server", "prod").get(5, TimeUnit.SECONDS).size());
            assertEquals(List.of(), resolver.resolve("server", "default").get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aStoppedSidecarDisappearsAfterARefresh() throws Exception {
        LocalRegistry registry = new LocalRegistry(home);
        RegistryEntry e = self("server", 50002);
        registry.register(e);
        try (LocalRegistryResolver resolver = new LocalRegistryResolver(registry, Duration.ofMillis(20))) {
            assertEquals(1, resolver.resolve("server", "default").get(5, TimeUnit.SECONDS).size());
            registry.unregister(e);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            List<InetSocketAddress> now;
            do {
                Thread.sleep(25);
                now = resolver.resolve("server", "default").get(5, TimeUnit.SECONDS);
            } while (!now.isEmpty() && System.nanoTime() < deadline);
            assertEquals(List.of(), now);
        }
    }

    @Test
    void lookupsFailAfterClose() {
        LocalRegistryResolver resolver = new LocalRegistryResolver(new LocalRegistry(home));
        resolver.close();
        CompletableFuture<List<InetSocketAddress>> f = resolver.resolve("server", "default");
        assertTrue(f.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        assertFalse(e.getCause().getMessage().isEmpty());
    }
}
