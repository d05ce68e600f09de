package io.h2splice.core.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.TestDnsServer;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KubernetesDnsResolver} against an in-process DNS server ({@link TestDnsServer}, TTL 1 s, so answers are
 * refreshed about every 0.75 s). Waits are bounded polls; no test asserts how long anything took.
 */
@Timeout(60)
class KubernetesDnsResolverTest {

    private static final String NAME = "server-dapr.production.svc.cluster.local";
    private static final int PORT = 50002;
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private TestDnsServer dns;
    private KubernetesDnsResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = new KubernetesDnsResolver(KubernetesNaming.clusterDomain("cluster.local"), PORT, dns.address(),
                Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    private static InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, PORT);
    }

    private List<InetSocketAddress> resolve() throws Exception {
        return resolver.resolve("server", "production").get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyAddressAtTheInternalPortInAStableOrder() throws Exception {
        dns.put(NAME, "127.0.0.4", "127.0.0.2", "127.0.0.3");
        assertEquals(List.of(at("127.0.0.2"), at("127.0.0.3"), at("127.0.0.4")), resolve());
        assertTrue(dns.asked().contains(NAME + "."), "asked as an absolute name: " + dns.asked());
    }

    @Test
    void cachedAnswersAreCompletedFuturesAndAnUnchangedAnswerKeepsItsList() throws Exception {
        dns.put(NAME, "127.0.0.2", "127.0.0.3");
        List<InetSocketAddress> first = resolve();
        CompletableFuture<List<InetSocketAddress>> hit = resolver.resolve("server", "production");
        assertTrue(hit.isDone(), "a cached answer needs no wait");
        assertSame(first, hit.join());

        dns.put(NAME, "127.0.0.3", "127.0.0.2"); // the same set, in another order
        int before = dns.queries();
        Await.until("two refreshes", LIMIT, () -> {
            resolver.resolve("server", "production"); // keeps the name in use
            return dns.queries() >= before + 4; // A and AAAA each time
        });
        assertSame(first, resolver.resolve("server", "production").join(), "unchanged: the same list");
    }

    @Test
    void aRefreshPicksUpAddedAndRemovedPods() throws Exception {
        dns.put(NAME, "127.0.0.2", "127.0.0.3", "127.0.0.4");
        assertEquals(3, resolve().size());
        dns.put(NAME, "127.0.0.2", "127.0.0.4");
        Await.until("127.0.0.3 gone after a refresh", LIMIT,
                () -> resolver.resolve("server", "production").join().equals(List.of(at("127.0.0.2"), at("127.0.0.4"))));
        dns.put(NAME, "127.0.0.5", "127.0.0.2", "127.0.0.4");
        Await.until("127.0.0.5 added", LIMIT, () -> resolver.resolve("server", "production").join()
                .equals(List.of(at("127.0.0.2"), at("127.0.0.4"), at("127.0.0.5"))));
    }

    @Test
    void anUnknownNameFailsWithTheLookupReason() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> resolver.resolve("nobody", "production").get(10, TimeUnit.SECONDS));
        assertInstanceOf(UnknownHostException.class, e.getCause());
        assertEquals("lookup nobody-dapr.production.svc.cluster.local: no such host", e.getCause().getMessage());
    }

    @Test
    void aStalledServerDelaysNoCachedAnswerAndAFailedRefreshKeepsTheLastOne() throws Exception {
        dns.put(NAME, "127.0.0.2", "127.0.0.3");
        List<InetSocketAddress> good = resolve();
        dns.stopAnswering();
        int before = dns.queries();
        Await.until("a refresh sent to the stalled server", LIMIT, () -> dns.queries() > before);
        // The refresh is in flight and will not be answered: calls are still answered at once, from the cache.
        for (int i = 0; i < 100; i++) {
            CompletableFuture<List<InetSocketAddress>> f = resolver.resolve("server", "production");
            assertTrue(f.isDone(), "answered from the cache while a refresh waits on DNS");
            assertSame(good, f.join());
        }
        // The refresh times out (500 ms here) and is tried again; the last good answer stays in use meanwhile.
        int afterFirst = dns.queries();
        Await.until("a second try after the first timed out", LIMIT, () -> dns.queries() >= afterFirst + 2);
        CompletableFuture<List<InetSocketAddress>> f = resolver.resolve("server", "production");
        assertTrue(f.isDone());
        assertSame(good, f.join());

        dns.put(NAME, "127.0.0.2");
        dns.answerAgain();
        Await.until("refreshed once the server answers again", LIMIT,
                () -> resolver.resolve("server", "production").join().equals(List.of(at("127.0.0.2"))));
    }

    @Test
    void aFirstLookupThatTimesOutFailsWithTheReason() {
        dns.stopAnswering();
        CompletableFuture<List<InetSocketAddress>> f = resolver.resolve("server", "production");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().startsWith("lookup " + NAME + ": i/o timeout"), e.getCause().getMessage());
    }

    @Test
    void aTemplateGivingAnAddressNeedsNoDns() throws Exception {
        try (KubernetesDnsResolver direct = new KubernetesDnsResolver(
                KubernetesNaming.template("127.0.0.9:{{.Port}}"), PORT, dns.address())) {
            assertEquals(List.of(at("127.0.0.9")), direct.resolve("server", "production").get(10, TimeUnit.SECONDS));
        }
        assertEquals(0, dns.queries());
    }

    @Test
    void aClosedResolverFailsLookups() {
        resolver.close();
        assertThrows(ExecutionException.class, () -> resolver.resolve("server", "production").get(1, TimeUnit.SECONDS));
        resolver.close(); // idempotent
    }

    @Test
    void aFloodOfUnknownAppIdsIsBoundedAndKnownNamesStay() throws Exception {
        dns.put(NAME, "127.0.0.2");
        assertEquals(List.of(at("127.0.0.2")), resolve());
        for (int i = 0; i < KubernetesDnsResolver.MAX_NAMES + 1_000; i++) {
            try {
                resolver.resolve("nobody" + i, "production").get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException unknown) {
                // NXDOMAIN: what the flood gets
            }
        }
        io.h2splice.core.testing.Await.until("names bounded", LIMIT,
                () -> resolver.nameCount() <= KubernetesDnsResolver.MAX_NAMES);
        assertTrue(resolver.nameCount() < 1_100, "names kept: " + resolver.nameCount());
        assertTrue(resolver.resolve("server", "production").isDone(), "the known name is still cached");
    }
}
