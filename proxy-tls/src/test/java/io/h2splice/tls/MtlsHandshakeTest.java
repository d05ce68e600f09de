package io.h2splice.tls;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.MapResolver;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.context.MtlsHopSecurity;
import io.h2splice.tls.context.TlsMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mTLS rules of the sidecar hop with real sidecars and grpc-java calls: what is accepted, what is refused and
 * with which reason, and certificate rotation under load.
 */
@Timeout(120)
class MtlsHandshakeTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestApp app;
    private Proxy a;
    private Proxy b;
    private ManagedChannel channel;

    @AfterEach
    void tearDown() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (app != null) {
            app.close();
        }
    }

    /** client → A (hopA) → B (hopB, serving app "server") → app. */
    private void start(HopSecurity hopA, HopSecurity hopB) throws Exception {
        app = TestApp.start("server-app");
        b = Proxy.builder(ProxyConfig.loopback("server", app.port()).withWorkers(1), new MapResolver())
                .security(new TransportSecurity(hopB, HopSecurity.PLAINTEXT)).start();
        open.add(b);
        MapResolver resolver = new MapResolver().put("server", "default", TwoSidecars.loopback(b.internalPort()));
        a = Proxy.builder(ProxyConfig.loopback("client", 0).withWorkers(1), resolver)
                .security(new TransportSecurity(hopA, HopSecurity.PLAINTEXT)).start();
        open.add(a);
        b.whenReady().get(10, TimeUnit.SECONDS);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", a.apiPort()).usePlaintext().build();
    }

    private CallResult call() {
        return GrpcCalls.unary(channel, TestService.ECHO, routedTo("server"), new byte[] {1, 2, 3});
    }

    private MtlsHopSecurity hop(CertificateAuthority ca, String app, KeyAlgorithm alg) {
        MtlsHopSecurity h = MtlsForTests.hop(ca, app, "default", alg);
        open.add(h);
        return h;
    }

    private static void assertUnavailableBecause(String reason, CallResult r) {
        assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r.describe());
        assertTrue(String.valueOf(r.status().getDescription()).contains(reason), r.describe());
    }

    @Test
    void sidecarsWithCertificatesFromOneCaTalk() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        start(hop(ca, "client", KeyAlgorithm.EC_P256), hop(ca, "server", KeyAlgorithm.EC_P256));
        call().assertOk();
    }

    @Test
    void ed25519ChainsHandshakeToo() throws Exception {
        CertificateAuthority ca = MtlsForTests.newCa(KeyAlgorithm.ED25519);
        start(hop(ca, "client", KeyAlgorithm.ED25519), hop(ca, "server", KeyAlgorithm.ED25519));
        call().assertOk();
    }

    @Test
    void aServerFromAnotherCaIsRejectedAsUnknownCa() throws Exception {
        start(hop(MtlsForTests.ca(), "client", KeyAlgorithm.EC_P256),
                hop(MtlsForTests.newCa(KeyAlgorithm.EC_P256), "server", KeyAlgorithm.EC_P256));
        assertUnavailableBecause("unknown CA", call());
    }

    @Test
    void aServerWithAnotherAppsIdentityIsRejectedByTheCaller() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        start(hop(ca, "client", KeyAlgorithm.EC_P256), hop(ca, "impostor", KeyAlgorithm.EC_P256));
        assertUnavailableBecause("wrong identity: expected /ns/default/server", call());
    }

    @Test
    void aServerOfTheRightAppInAnotherNamespaceIsRejectedByTheCaller() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        MtlsHopSecurity otherNs = MtlsForTests.hop(ca, "server", "other", KeyAlgorithm.EC_P256);
        open.add(otherNs);
        start(hop(ca, "client", KeyAlgorithm.EC_P256), otherNs);
        assertUnavailableBecause("the server is spiffe://public/ns/other/server", call());
    }

    @Test
    void anExpiredServerCertificateIsRejected() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Instant now = Instant.now();
        MtlsHopSecurity expired = MtlsHopSecurity.of(ca.issue(MtlsForTests.id("server", "default"),
                KeyAlgorithm.EC_P256, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))), new TlsMetrics());
        open.add(expired);
        start(hop(ca, "client", KeyAlgorithm.EC_P256), expired);
        assertUnavailableBecause("expired", call());
    }

    /**
     * A server whose certificate expires while A holds a connection to it: that connection is left (PEER_EXPIRING)
     * before the expiry, and once it has expired a new connection is refused even though A could resume the TLS
     * session of the first one, which BoringSSL would do without looking at the certificate again.
     */
    @Test
    void aServerCertificateThatExpiredIsRejectedOnAResumedSessionToo() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Instant now = Instant.now();
        TlsMetrics serverMetrics = new TlsMetrics();
        MtlsHopSecurity expiring = MtlsHopSecurity.of(ca.issue(MtlsForTests.id("server", "default"),
                KeyAlgorithm.EC_P256, now.minusSeconds(1), now.plusSeconds(3)), serverMetrics);
        open.add(expiring);
        start(hop(ca, "client", KeyAlgorithm.EC_P256), expiring);
        call().assertOk();
        Thread.sleep(Duration.between(Instant.now(), now.plusSeconds(4)).toMillis());
        assertUnavailableBecause("certificate expired", call()); // refused on resumption
        assertUnavailableBecause("certificate expired", call()); // the session dropped: a full handshake, refused
        assertEquals(1, app.calls().size(), "only the call before the expiry reached the app");
    }

    /** The same on the server's side: a client whose certificate expired cannot come back on a resumed session. */
    @Test
    void aClientCertificateThatExpiredIsRejectedOnAResumedSessionToo() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        Instant now = Instant.now();
        MtlsHopSecurity expiring = MtlsHopSecurity.of(ca.issue(MtlsForTests.id("client", "default"),
                KeyAlgorithm.EC_P256, now.minusSeconds(1), now.plusSeconds(3)), new TlsMetrics());
        open.add(expiring);
        TlsMetrics serverMetrics = new TlsMetrics();
        MtlsHopSecurity server = MtlsHopSecurity.of(ca.issue(MtlsForTests.id("server", "default"),
                KeyAlgorithm.EC_P256, Duration.ofHours(1), Duration.ZERO), serverMetrics);
        open.add(server);
        start(expiring, server);
        call().assertOk();
        a.drain().get(10, TimeUnit.SECONDS); // A's connection to B goes; A's session with B stays in its cache
        open.remove(a);
        MapResolver resolver = new MapResolver().put("server", "default", TwoSidecars.loopback(b.internalPort()));
        a = Proxy.builder(ProxyConfig.loopback("client", 0).withWorkers(1), resolver)
                .security(new TransportSecurity(expiring, HopSecurity.PLAINTEXT)).start();
        open.add(a);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", a.apiPort()).usePlaintext().build();
        Thread.sleep(Duration.between(Instant.now(), now.plusSeconds(4)).toMillis());
        CallResult r = call();
        assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r.describe());
        assertTrue(serverMetrics.failures().keySet().stream().anyMatch(k -> k.contains("expired")),
                "B refused the expired client: " + serverMetrics.failures());
        assertEquals(1, app.calls().size(), "only the call before the expiry reached the app");
    }

    @Test
    void aPlaintextClientOnTheInternalPortIsRejected() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        MtlsHopSecurity server = hop(ca, "server", KeyAlgorithm.EC_P256);
        start(hop(ca, "client", KeyAlgorithm.EC_P256), server);
        ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", b.internalPort()).usePlaintext().build();
        try {
            CallResult r = GrpcCalls.unary(plain, TestService.ECHO, routedTo("server"), new byte[] {1});
            assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r.describe());
            assertTrue(app.calls().isEmpty(), "the app must not be reached without mTLS");
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void rotationUnderContinuousLoadLosesNoCall() throws Exception {
        CertificateAuthority ca = MtlsForTests.ca();
        // 3 s certificates: renewed about every 1.5 s, and A replaces its connection before B's certificate expires.
        SidecarTls tlsA = SidecarTls.fromAuthority(ca, MtlsForTests.id("client", "default"), KeyAlgorithm.EC_P256,
                Duration.ofSeconds(3), Duration.ZERO);
        SidecarTls tlsB = SidecarTls.fromAuthority(ca, MtlsForTests.id("server", "default"), KeyAlgorithm.EC_P256,
                Duration.ofSeconds(3), Duration.ZERO);
        open.add(tlsA);
        open.add(tlsB);
        long firstExpiry = tlsB.metrics().certificateExpiryEpochSeconds();
        start(tlsA.hopSecurity(), tlsB.hopSecurity());

        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        Thread[] load = new Thread[2];
        for (int t = 0; t < load.length; t++) {
            load[t] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    CallResult r = call();
                    if (r.status().isOk()) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(r.describe());
                    }
                }
            });
            load[t].start();
        }
        for (Thread t : load) {
            t.join();
        }
        assertTrue(failures.isEmpty(), failures.size() + " calls failed during rotation, e.g. "
                + (failures.isEmpty() ? "" : failures.get(0)));
        assertTrue(ok.get() > 100, "load ran: " + ok.get() + " calls");
        assertTrue(tlsB.metrics().certificateExpiryEpochSeconds() > firstExpiry, "B's certificate was renewed");
        assertTrue(tlsB.metrics().handshakes() >= 2, "A reconnected with a fresh handshake: "
                + tlsB.metrics().handshakes());
        // Each connection lives for 90 % of what is left of B's certificate (1.35-3 s): a few per event loop in
        // 8 s, not one per call.
        assertTrue(tlsB.metrics().handshakes() <= 40, tlsB.metrics().handshakes() + " handshakes for " + ok.get()
                + " calls");
    }
}
