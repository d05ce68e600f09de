package io.h2splice.cli.e2e;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.MetricsPage;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.identity.SpiffeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificates that expire while connections are open, with real {@code h2splice run} processes. The client's
 * sidecar and the {@code rotating} app's sidecar take their certificates from the local CA with a
 * {@code --config} of {@code workloadCertTTL: 10s} and {@code allowedClockSkew: 0s}, so each renews every 5–5.5 s;
 * the {@code frozen} app's sidecar has a certificate from files that expires and is never replaced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CertificateExpiryProcessTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final String HANDSHAKES = "h2splice_tls_handshakes_total";

    @TempDir
    static Path home;

    private Processes processes;
    private LocalRegistry registry;
    private ManagedChannel channel;
    private RegistryEntry client;
    private TestApp rotatingApp;
    private Path clientLog;
    private Path rotatingLog;

    @BeforeAll
    void start() throws Exception {
        processes = new Processes(home);
        registry = new LocalRegistry(home);
        Path config = home.resolve("short-certs.yaml");
        Files.writeString(config, """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: short-certs
                spec:
                  mtls:
                    enabled: true
                    workloadCertTTL: %ds
                    allowedClockSkew: 0s
                """.formatted(TTL.toSeconds()));
        rotatingApp = TestApp.start("rotating");
        clientLog = home.resolve("client.log");
        rotatingLog = home.resolve("rotating.log");
        Process c = processes.h2splice(clientLog, "run", "--app-id", "client", "--config", config.toString());
        Process r = processes.h2splice(rotatingLog, "run", "--app-id", "rotating", "--app-port",
                Integer.toString(rotatingApp.port()), "--config", config.toString());
        client = Processes.awaitRegistered(registry, "client", c, clientLog, 60);
        Processes.awaitRegistered(registry, "rotating", r, rotatingLog, 60);
        channel = NettyChannelBuilder.forAddress(TwoSidecars.loopback(client.grpcPort())).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (processes != null) {
            processes.close();
        }
        if (rotatingApp != null) {
            rotatingApp.close();
        }
        for (Path l : List.of(clientLog, rotatingLog)) {
            FaultsProcessTest.assertCleanLog(l);
        }
    }

    /**
     * For 1.3 lifetimes, 20 calls a second and one bidi stream (a message echoed every 500 ms) through both
     * sidecars, which renew every 5–5.5 s: no call fails, the stream outlives the certificates of the handshake it
     * started on, both sidecars renewed at least twice, and the client's sidecar replaced its connections a few
     * times (each before the server's certificate expires), not once per call.
     */
    @Test
    void renewalAtHalfLifeKeepsCallsSucceedingAndOpenStreamsOutliveTheirCertificates() throws Exception {
        CallLedger ledger = new CallLedger(channel, "rotating");
        ledger.echo("warm-up", DEADLINE).await(DEADLINE).assertOk();
        long handshakesBefore = MetricsPage.value(client.metricsPort(), HANDSHAKES);
        Instant opened = Instant.now();
        CallLedger.Entry stream = ledger.open("stream", TestService.CHAT, Duration.ofSeconds(60));
        CallLedger.Load load = ledger.load("load", 20, DEADLINE);
        int echoed = 0;
        Instant lastEcho = opened;
        while (Duration.between(opened, Instant.now()).compareTo(TTL.multipliedBy(13).dividedBy(10)) < 0) {
            byte[] m = ("message " + echoed).getBytes(StandardCharsets.US_ASCII);
            stream.call.send(m);
            assertArrayEquals(m, stream.call.awaitMessage(DEADLINE), "the stream echoes");
            lastEcho = Instant.now();
            echoed++;
            Thread.sleep(500);
        }
        load.stop();
        stream.call.halfClose();
        stream.await(DEADLINE).assertOk();
        ledger.awaitAllEnded(DEADLINE.plusSeconds(5));
        long handshakes = MetricsPage.value(client.metricsPort(), HANDSHAKES) - handshakesBefore;
        int calls = ledger.entries(e -> e.kind.equals("load")).size();
        System.out.println("rotation: " + ledger.summary() + "; " + echoed + " stream messages over "
                + Duration.between(opened, lastEcho).toMillis() + " ms; client handshakes " + handshakes);

        Set<String> arrived = new java.util.HashSet<>();
        rotatingApp.calls().forEach(c -> arrived.add(c.testId()));
        ledger.assertNoneLost(arrived, Set.of()); // nothing failed at all
        assertTrue(Duration.between(opened, lastEcho).compareTo(TTL) > 0, "the stream outlived a certificate's life");
        for (Path log : List.of(clientLog, rotatingLog)) {
            long renewals = Files.readAllLines(log).stream().filter(l -> l.contains("mTLS: renewed certificate"))
                    .count();
            assertTrue(renewals >= 2, log.getFileName() + " renewed " + renewals + " times");
        }
        assertTrue(handshakes >= 1 && handshakes <= 12, handshakes + " handshakes for " + calls + " calls");
    }

    /**
     * The {@code frozen} app's sidecar takes its certificate from files. Once it runs, the files are replaced by a
     * certificate valid for 8 s more, which the sidecar picks up and which is never renewed: a stream opened on it
     * keeps working after it expired, on its connection; once it has expired, new calls fail UNAVAILABLE naming the
     * expired certificate, at once, and never reach the app. The sidecar does not pretend to renew what the files
     * still hold.
     */
    @Test
    void anExpiredPeerCertificateFailsNewCallsAndOpenStreamsGoOn() throws Exception {
        Path dir = home.resolve("frozen-cert");
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.loadOrInit(home.resolve("ca"), KeyAlgorithm.EC_P256);
        SpiffeId id = new SpiffeId(SpiffeId.DEFAULT_TRUST_DOMAIN, "default", "frozen");
        write(dir, ca.issue(id, KeyAlgorithm.EC_P256, Duration.ofHours(1), Duration.ZERO));
        Path log = home.resolve("frozen.log");
        try (TestApp app = TestApp.start("frozen")) {
            Process frozen = processes.h2splice(log, "run", "--app-id", "frozen", "--app-port",
                    Integer.toString(app.port()), "--cert-chain-file", dir.resolve("cert.pem").toString(),
                    "--cert-key-file", dir.resolve("key.pem").toString(), "--trust-anchors-file",
                    dir.resolve("ca.pem").toString());
            int metricsPort = Processes.awaitRegistered(registry, "frozen", frozen, log, 60).metricsPort();
            Instant now = Instant.now();
            WorkloadCredentials shortLived = ca.issue(id, KeyAlgorithm.EC_P256, now.minusSeconds(1),
                    now.plusSeconds(8));
            Instant expiry = shortLived.notAfter();
            write(dir, shortLived);
            Await.until("the sidecar took up the short-lived certificate", Duration.ofSeconds(10),
                    () -> MetricsPage.value(metricsPort, "h2splice_tls_certificate_expiry_seconds")
                            == expiry.getEpochSecond());

            CallLedger ledger = new CallLedger(channel, "frozen"); // the first call: a handshake with it
            ledger.echo("before expiry", DEADLINE).await(DEADLINE).assertOk();
            CallLedger.Entry stream = ledger.open("stream", TestService.CHAT, Duration.ofSeconds(60));
            stream.call.send(new byte[] {1});
            stream.call.awaitMessage(DEADLINE);
            assertTrue(Instant.now().isBefore(expiry), "the stream opened before the certificate expired");

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis()) + 1_000);
            stream.call.send(new byte[] {2});
            assertArrayEquals(new byte[] {2}, stream.call.awaitMessage(DEADLINE), "the open stream goes on");
            for (int i = 0; i < 3; i++) {
                CallLedger.Entry e = ledger.echo("after expiry", DEADLINE);
                CallResult r = e.await(DEADLINE.plusSeconds(5));
                System.out.println("expired peer certificate: " + r.describe() + " after " + e.tookMillis() + " ms");
                assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r.describe() + "\n"
                        + Processes.logs(clientLog, log));
                assertTrue(r.status().getDescription().contains("certificate expired"), r.describe());
                assertTrue(e.tookMillis() < 2_000, "failed at once: " + e.tookMillis() + " ms");
            }
            stream.call.send(new byte[] {3});
            assertArrayEquals(new byte[] {3}, stream.call.awaitMessage(DEADLINE), "the open stream still goes on");
            stream.call.halfClose();
            stream.await(DEADLINE).assertOk();
            ledger.awaitAllEnded(DEADLINE);
            Set<String> arrived = new java.util.HashSet<>();
            app.calls().forEach(c -> arrived.add(c.testId()));
            ledger.assertNoneLost(arrived, Set.of(Status.Code.UNAVAILABLE));
            System.out.println("expired peer certificate: " + ledger.summary());
            assertEquals(1, Files.readAllLines(log).stream().filter(l -> l.contains("mTLS: renewed certificate"))
                    .count(), "only the replaced files were taken up, unchanged ones are not 'renewed'\n"
                    + Processes.logs(log));
        } finally {
            FaultsProcessTest.assertCleanLog(log);
        }
    }

    /** The key first, as {@code h2splice ca issue} writes them: a chain never points at a key it does not match. */
    private static void write(Path dir, WorkloadCredentials c) throws Exception {
        Pem.writePrivateKey(dir.resolve("key.pem"), c.key());
        Pem.writeCertificates(dir.resolve("cert.pem"), c.chain());
        Pem.writeCertificates(dir.resolve("ca.pem"), c.trustAnchors());
    }
}
