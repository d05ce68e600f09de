package io.h2splice.cli.e2e;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delay and loss between two sidecars, each in a network namespace of its own ({@link NetworkLab}): the client's
 * sidecar in {@code a}, listening on {@code a}'s veth address so this JVM can call it; the server's sidecar and its
 * app ({@link TestApp}, recording arrivals) in {@code b}, its internal port on the link's address, which is what it
 * registers in the shared local registry and what the client's sidecar dials across the link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetworkFaultsProcessTest {

    private static final int DELAY_MILLIS = 50;

    @TempDir
    static Path home;

    private NetworkLab lab;
    private Processes processes;
    private ManagedChannel channel;
    private Path arrivals;
    private Path serverLog;
    private Path clientLog;

    @BeforeAll
    void start() throws Exception {
        lab = NetworkLab.create(Path.of("src/test/python/lossy_link.py"));
        processes = new Processes(home);
        arrivals = home.resolve("server.arrivals");
        serverLog = home.resolve("server.log");
        clientLog = home.resolve("client.log");
        List<String> server = new ArrayList<>(NetworkLab.in(lab.b));
        server.addAll(Processes.h2spliceCommand("run", "--app-id", "server", "--app-port", "50051",
                "--dapr-listen-addresses", NetworkLab.B_LINK_ADDRESS, "--", Processes.java(), "-Xmx64m",
                "-XX:+UseSerialGC", "-cp", Processes.classpath(), TestApp.class.getName()));
        Process s = processes.start(Map.of("TEST_APP_ARRIVALS", arrivals.toString()), serverLog, server);
        List<String> client = new ArrayList<>(NetworkLab.in(lab.a));
        client.addAll(Processes.h2spliceCommand("run", "--app-id", "client", "--dapr-listen-addresses",
                lab.aAddress));
        Process c = processes.start(Map.of(), clientLog, client);
        LocalRegistry registry = new LocalRegistry(home);
        RegistryEntry serverEntry = Processes.awaitRegistered(registry, "server", s, serverLog, 60);
        RegistryEntry clientEntry = Processes.awaitRegistered(registry, "client", c, clientLog, 60);
        assertEquals(NetworkLab.B_LINK_ADDRESS, serverEntry.internalHost(),
                "the server's sidecar registers the address other namespaces reach it at");
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress(lab.aAddress, clientEntry.grpcPort()))
                .usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (processes != null) {
                processes.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
        for (Path l : List.of(serverLog, clientLog)) {
            FaultsProcessTest.assertCleanLog(l);
        }
    }

    /**
     * 50 ms each way: every call takes at least the 100 ms round trip (its request and its response each cross the
     * link once), where without the delay calls take less; with 5 % of packets lost, then 30 %, every call still
     * succeeds: TCP retransmits underneath the sidecars.
     */
    @Test
    void delayAndLossAreRiddenOutByTcp() throws Exception {
        CallLedger ledger = new CallLedger(channel, "server");
        lab.set(0, 0);
        List<CallLedger.Entry> direct = batch(ledger, "no delay", 20, Duration.ofSeconds(10));
        lab.set(DELAY_MILLIS, 5);
        List<CallLedger.Entry> delayed = batch(ledger, "50 ms, 5 % loss", 40, Duration.ofSeconds(10));
        lab.set(DELAY_MILLIS, 30);
        List<CallLedger.Entry> lossy = batch(ledger, "50 ms, 30 % loss", 20, Duration.ofSeconds(20));
        lab.set(0, 0);
        System.out.println("network: calls took " + millis(direct) + " ms without delay, " + millis(delayed)
                + " ms with 50 ms each way and 5 % loss, " + millis(lossy) + " ms with 30 % loss");
        for (CallLedger.Entry e : ledger.entries()) {
            e.result().assertOk();
        }
        assertTrue(millis(direct).get(0) < 2L * DELAY_MILLIS, "without delay no call took under 100 ms");
        for (List<CallLedger.Entry> withDelay : List.of(delayed, lossy)) {
            assertTrue(millis(withDelay).get(0) >= 2L * DELAY_MILLIS, "a call took less than the round trip: "
                    + millis(withDelay));
        }
    }

    /**
     * The link drops everything while a bidi stream is open and calls are made: each call, and the stream, ends
     * DEADLINE_EXCEEDED at its deadline (none hangs, none ends otherwise); once the link carries packets again, calls
     * succeed within 15 s.
     */
    @Test
    void aLinkDroppingEverythingCostsCallsTheirDeadlineAndCallsResumeWhenItHeals() throws Exception {
        CallLedger ledger = new CallLedger(channel, "server");
        lab.set(DELAY_MILLIS, 0);
        ledger.echo("before", Duration.ofSeconds(10)).await(Duration.ofSeconds(15)).assertOk();
        CallLedger.Entry stream = ledger.open("stream", TestService.CHAT, Duration.ofSeconds(5));
        stream.call.send(new byte[] {1});
        assertArrayEquals(new byte[] {1}, stream.call.awaitMessage(Duration.ofSeconds(5)));

        lab.set(DELAY_MILLIS, 100);
        stream.call.send(new byte[] {2});
        List<CallLedger.Entry> lost = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lost.add(ledger.echo("during", Duration.ofSeconds(3)));
            Thread.sleep(100);
        }
        lost.add(stream);
        for (CallLedger.Entry e : lost) {
            CallResult r = e.await(Duration.ofSeconds(10));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, r.status().getCode(), e.kind + ": " + r.describe() + "\n"
                    + Processes.logs(clientLog, serverLog));
            long deadline = e == stream ? 5_000 : 3_000;
            assertTrue(e.tookMillis() >= deadline - 100 && e.tookMillis() < deadline + 2_000,
                    e.kind + " ended after " + e.tookMillis() + " ms, its deadline " + deadline + " ms");
        }

        lab.set(DELAY_MILLIS, 0);
        long healed = System.nanoTime();
        CallResult last = null;
        while (System.nanoTime() - healed < TimeUnit.SECONDS.toNanos(15)) {
            last = ledger.echo("after", Duration.ofSeconds(5)).await(Duration.ofSeconds(10));
            if (last.status().isOk()) {
                break;
            }
        }
        long recovered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
        assertTrue(last != null && last.status().isOk(), "no call succeeded within 15 s of the link healing: "
                + (last == null ? "" : last.describe()) + "\n" + Processes.logs(clientLog, serverLog));
        for (int i = 0; i < 10; i++) {
            ledger.echo("after", Duration.ofSeconds(5)).await(Duration.ofSeconds(10)).assertOk();
        }
        ledger.awaitAllEnded(Duration.ofSeconds(10));
        System.out.println("network: link dropping everything, then healed; first success " + recovered
                + " ms after; " + ledger.summary());
        ledger.assertNoneLost(arrived(), Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
    }

    /** {@code n} Echo calls, 4 at a time, each with {@code deadline}; all of them, ended. */
    private static List<CallLedger.Entry> batch(CallLedger ledger, String kind, int n, Duration deadline) {
        List<CallLedger.Entry> all = new ArrayList<>();
        for (int i = 0; i < n; i += 4) {
            List<CallLedger.Entry> wave = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 4); j++) {
                wave.add(ledger.echo(kind, deadline));
            }
            wave.forEach(e -> e.await(deadline.plusSeconds(5)));
            all.addAll(wave);
        }
        return all;
    }

    /** How long each call took, shortest first. */
    private static List<Long> millis(List<CallLedger.Entry> entries) {
        return entries.stream().map(CallLedger.Entry::tookMillis).sorted().toList();
    }

    private Set<String> arrived() throws IOException {
        return Files.exists(arrivals) ? new HashSet<>(Files.readAllLines(arrivals)) : Set.of();
    }
}
