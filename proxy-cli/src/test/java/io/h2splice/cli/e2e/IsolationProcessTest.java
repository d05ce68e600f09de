package io.h2splice.cli.e2e;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.HostileFrames;
import io.h2splice.core.testing.RawH2Client;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import io.h2splice.core.testing.VictimLoad;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client cannot hurt another, with real processes as users run them: {@code h2splice run --app-id server
 * --app-port P -- <TestApp>} and {@code h2splice run --app-id client}, mTLS between them (the built-in CA). A
 * well-behaved victim load of 200 unary calls a second over four client connections of its own calls {@code server}
 * through the client's sidecar; beside it, one client misbehaves in each test. The victim must see no error at all,
 * and its p99 must stay within twice its own baseline (measured alone first) or 100 ms above it, whichever is larger:
 * the floor absorbs the CPU the attacker itself takes on a 2-core machine, while the failures this guards against (a
 * shared connection closed or stalled) cost the victim errors and seconds.
 *
 * <p>This JVM only holds the clients, so it runs with Netty's default leak detection for this class (PARANOID would
 * make the clients, not the sidecars, the bottleneck); the sidecars' own logs are checked for leak reports instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IsolationProcessTest {

    private static final String SERVER = "server";
    private static final int VICTIM_RATE = 200;
    private static final Duration VICTIM_RUN = Duration.ofSeconds(4);
    private static final long ENHANCE_YOUR_CALM = 0xb;
    /**
     * Calls a second of the clients that cancel in the two legitimate patterns: 1,000 unary calls (30 % cancelled
     * before any response), 300 streaming calls (each cancelled after its first message: twice the frames).
     */
    private static final int ATTACK_CALL_RATE = 1_000;
    private static final int FETCH_CANCEL_RATE = 300;
    /** Raw attacks open and reset 2,000 streams a second: ten times the victim's rate, one attacker thread. */
    private static final int RAW_ATTACK_RATE = 2_000;

    @TempDir
    static Path home;

    private Processes processes;
    private Path serverLog;
    private Path clientLog;
    private int apiPort;
    private int metricsPort;
    private VictimLoad victim;
    private VictimLoad.Result baseline;
    private ResourceLeakDetector.Level leakLevel;
    private Process client;
    private static final String BUDGET = "48Mi";
    /** How far above its RSS before the attacks the attacked sidecar may go under them, and stay after them. */
    private static final long RSS_UNDER_ATTACK = 128L << 20;
    private static final long RSS_AFTER = 64L << 20;
    private long rssAtStartKib = -1;
    private final List<ManagedChannel> attackers = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        processes = new Processes(home);
        serverLog = home.resolve("server.log");
        clientLog = home.resolve("client.log");
        int appPort = Processes.freePort();
        Process server = processes.h2splice(serverLog, "run", "--app-id", SERVER, "--app-port",
                Integer.toString(appPort), "--", Processes.java(), "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                Processes.classpath(), TestApp.class.getName());
        // The sidecar under attack runs with a small memory budget (half of the default) in this 128 MiB JVM.
        // Its heap made resident at start (AlwaysPreTouch), so that its RSS before and after the attacks differ by what
        // the attacks left, not by heap pages the collector had not touched yet.
        client = processes.start(Map.of("JAVA_TOOL_OPTIONS", "-XX:+AlwaysPreTouch"), clientLog,
                Processes.h2spliceCommand("run", "--app-id", "client", "--memory-budget", BUDGET));
        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, SERVER, server, serverLog, 60);
        RegistryEntry clientEntry = Processes.awaitRegistered(registry, "client", client, clientLog, 60);
        apiPort = clientEntry.grpcPort();
        metricsPort = clientEntry.metricsPort();
        victim = new VictimLoad(apiPort, SERVER);
        VictimLoad.Result warm = null;
        for (int i = 0; i < 10 && (i < 3 || !warm.errors().isEmpty()); i++) { // JIT, handshakes, the app
            warm = victim.run(VICTIM_RATE, Duration.ofSeconds(2));
        }
        warmUpAttackPaths();
        baseline = victim.run(VICTIM_RATE, VICTIM_RUN);
        assertTrue(baseline.errors().isEmpty(), "the victim fails alone: " + baseline + "\n"
                + Processes.logs(serverLog, clientLog));
        rssAtStartKib = rssKib(client);
    }

    /**
     * Runs the code the attacks reach once before the baseline (a few closed raw connections of each kind, some
     * cancelled calls), so that the first attack measured is not also the first time the JIT compiles those paths:
     * the comparison is steady state against steady state.
     */
    private void warmUpAttackPaths() throws Exception {
        for (int i = 0; i < 3; i++) {
            for (boolean zeroWindow : new boolean[] {false, true}) {
                try (RawH2Client c = RawH2Client.connect(apiPort)) {
                    while (!c.isClosed()) {
                        int id = c.openCall(SERVER);
                        if (id < 0 || !(zeroWindow ? c.zeroWindowUpdate(id) : c.reset(id))) {
                            break;
                        }
                    }
                    c.awaitClosed(2_000);
                }
            }
        }
        Channel ch = attackerChannel();
        for (int i = 0; i < 200; i++) {
            ClientCall<byte[], byte[]> call = ch.newCall(TestService.HANG, CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() { }, new Metadata());
            call.sendMessage(new byte[] {1});
            call.cancel("warm-up", null);
        }
        sleep(500);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (ManagedChannel ch : attackers) {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (victim != null) {
                victim.close();
            }
            long rssAtEndKib = -1;
            long highWaterKib = -1;
            if (client != null && client.isAlive()) {
                sleep(1_000);
                rssAtEndKib = rssKib(client);
                highWaterKib = hwmKib(client);
            }
            if (processes != null) {
                processes.close();
                for (Path log : List.of(serverLog, clientLog)) {
                    assertFalse(Files.readString(log).contains("LEAK:"), "a sidecar leaked\n" + Processes.logs(log));
                }
            }
            assertMemoryCameBack(rssAtEndKib, highWaterKib);
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
        }
    }

    /**
     * The attacked sidecar's RSS (a 128 MiB heap, made resident at start) stays within {@link #RSS_UNDER_ATTACK} of
     * where it was before the first attack, and a second after the last one it is back within {@link #RSS_AFTER}:
     * what remains is what the allocator keeps pooled (Netty's full pooling mode, see NettyDefaults in proxy-cli),
     * the JIT's code and class metadata for the attacks' paths, not what the attacks held. Measured: 270 MB before,
     * 365 MB at the most, 315 MB after (with the allocator's low-memory mode: 212, 280, 233 MB).
     */
    private void assertMemoryCameBack(long rssAtEndKib, long highWaterKib) {
        System.out.println("RSS of the attacked sidecar: " + rssAtStartKib + " KiB before the attacks, "
                + highWaterKib + " KiB at the most, " + rssAtEndKib + " KiB after");
        if (rssAtStartKib < 0 || rssAtEndKib < 0) {
            return; // a test failed to start it or took it down: reported on its own
        }
        assertTrue(highWaterKib <= rssAtStartKib + RSS_UNDER_ATTACK / 1024, "RSS under attack " + highWaterKib
                + " KiB, before " + rssAtStartKib + " KiB");
        assertTrue(rssAtEndKib <= rssAtStartKib + RSS_AFTER / 1024, "RSS after the attacks " + rssAtEndKib
                + " KiB, before " + rssAtStartKib + " KiB");
    }

    // === (a) cancellation is normal ===

    @Test
    void aClientCancellingEveryCallAfterItsFirstMessageIsNeverClosed() throws Exception {
        Channel ch = attackerChannel();
        Map<Status.Code, AtomicInteger> ends = new ConcurrentHashMap<>();
        underAttack(stop -> pace(FETCH_CANCEL_RATE, stop, () -> {
            ClientCall<byte[], byte[]> call = ch.newCall(TestService.FETCH, CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    call.cancel("enough", null); // after the response began: an ordinary cancellation
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    ends.computeIfAbsent(status.getCode(), c -> new AtomicInteger()).incrementAndGet();
                }
            }, new Metadata());
            call.request(1);
            call.sendMessage(ByteBuffer.allocate(8).putInt(4).putInt(256).array());
            call.halfClose();
            return true;
        }));
        assertTrue(ends.getOrDefault(Status.Code.CANCELLED, new AtomicInteger()).get() > FETCH_CANCEL_RATE * 3,
                "cancelled: " + ends);
        assertEquals(Map.of(Status.Code.CANCELLED, ends.get(Status.Code.CANCELLED)), ends,
                "the cancelling client's own calls all ended as it chose, none by a closed connection");
    }

    @Test
    void aClientCancellingAThirdOfItsCallsBeforeAnyResponseIsNeverClosed() throws Exception {
        Channel ch = attackerChannel();
        AtomicInteger n = new AtomicInteger();
        Map<String, AtomicInteger> echoes = new ConcurrentHashMap<>();
        underAttack(stop -> pace(ATTACK_CALL_RATE, stop, () -> {
            if (n.getAndIncrement() % 10 < 3) {
                ClientCall<byte[], byte[]> call = ch.newCall(TestService.HANG, CallOptions.DEFAULT);
                call.start(new ClientCall.Listener<>() { }, new Metadata());
                call.sendMessage(new byte[] {1});
                call.cancel("changed my mind", null); // before any response
            } else {
                ClientCall<byte[], byte[]> call = ch.newCall(TestService.ECHO,
                        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
                call.start(new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        String end = status.isOk() ? "OK" : status.toString();
                        echoes.computeIfAbsent(end, c -> new AtomicInteger()).incrementAndGet();
                    }
                }, new Metadata());
                call.request(1);
                call.sendMessage(new byte[] {2});
                call.halfClose();
            }
            return true;
        }));
        assertEquals(java.util.Set.of("OK"), echoes.keySet(), "the client's other calls: " + echoes + "\n"
                + tail(serverLog) + tail(clientLog));
    }

    /**
     * A Python grpcio client (Debian's python3-grpcio; grpc core cancels differently from grpc-java) that, besides
     * its successful calls, lets 10 calls a second run into a 50 ms deadline before any response and cancels 10
     * streams a second after their first message: none of its calls may end otherwise (no UNAVAILABLE from a closed
     * connection), and the victim sees nothing of it.
     */
    @Test
    void aPythonGrpcioClientWithDeadlinesAndCancelsIsNeverClosed() throws Exception {
        String python = GrpcioPython.find();
        Path out = home.resolve("grpcio.out");
        underAttack(stop -> {
            Process p = new ProcessBuilder(python, Path.of("src/test/python/grpcio_canceller.py").toString(),
                    Integer.toString(apiPort), Long.toString(VICTIM_RUN.toSeconds() + 1))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the grpcio client did not finish");
        });
        List<String> lines = Files.readAllLines(out);
        String all = String.join("\n", lines);
        assertTrue(lines.stream().anyMatch(l -> l.matches("echo OK=\\d+")), all);
        assertTrue(lines.stream().anyMatch(l -> l.matches("fetch CANCELLED=\\d+")), all);
        assertTrue(lines.stream().anyMatch(l -> l.matches("hang DEADLINE_EXCEEDED=\\d+")), all);
        assertEquals(3, lines.size(), "each kind of call ended one way only: " + all);
    }

    // === (b), (c) attacks are closed at the API listener, and only there ===

    @Test
    void rapidResetIsClosedWithinASecondAndTheSharedConnectionKeepsServing() throws Exception {
        rawAttack(RawH2Client::reset);
    }

    @Test
    void madeYouResetIsClosedWithinASecondAndTheSharedConnectionKeepsServing() throws Exception {
        rawAttack(RawH2Client::zeroWindowUpdate);
    }

    // === (d) many streams abandoned at once ===

    @Test
    void twoThousandStreamsAbandonedAtOnceHurtNobody() throws Exception {
        Channel ch = attackerChannel();
        underAttack(stop -> {
            List<ClientCall<byte[], byte[]>> calls = new ArrayList<>();
            for (int i = 0; i < 2_048; i++) {
                ClientCall<byte[], byte[]> call = ch.newCall(TestService.HANG, CallOptions.DEFAULT);
                call.start(new ClientCall.Listener<>() { }, new Metadata());
                call.sendMessage(new byte[] {1});
                calls.add(call);
            }
            sleep(1_500);
            calls.forEach(c -> c.cancel("abandoned", null));
        });
    }

    // === (e), (f) slow and stalled readers ===

    @Test
    void fiveStalledLargeResponsesStallOnlyThemselves() throws Exception {
        fiveReaders(16, false); // 1 MiB each, never read
    }

    @Test
    void fiveSlowReadersSlowOnlyThemselves() throws Exception {
        fiveReaders(64, true); // 4 MiB each, read at 64 KiB a second
    }

    /** Five Fetch calls of {@code messages} × 64 KiB on one connection, read one message a second or never. */
    private void fiveReaders(int messages, boolean readOnePerSecond) throws Exception {
        Channel ch = attackerChannel();
        List<ClientCall<byte[], byte[]>> calls = new ArrayList<>();
        underAttack(stop -> {
            for (int i = 0; i < 5; i++) {
                calls.add(fetch(ch, messages, 64 << 10));
            }
            while (!stop.get()) {
                if (readOnePerSecond) {
                    calls.forEach(c -> c.request(1));
                }
                sleep(1_000);
            }
        });
        calls.forEach(c -> c.cancel("done", null));
    }

    // === values too large to keep: refused or counted as 'other', the sidecar (-Xmx128m) lives ===

    @Test
    void threeHundredDifferentMebibyteAppIdsAreRefusedAndKeptNowhere() throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress(TwoSidecars.loopback(apiPort)).usePlaintext().build();
        attackers.add(ch);
        Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
        underAttack(stop -> {
            for (int i = 0; i < 300 && !stop.get(); i++) {
                Metadata md = new Metadata();
                md.put(GrpcCalls.DAPR_APP_ID, i + "s".repeat(1 << 20)); // 300 MiB of app ids in all
                Status s = unary(ch, TestService.ECHO, md);
                String d = String.valueOf(s.getDescription());
                String end = s.getCode() + (d.startsWith("invalid app id " + i + "sss") && d.endsWith(
                        "characters, more than an app id (64) and a namespace (63) can have") && d.length() < 200
                        ? " (the app id's first characters and its length)" : ": " + prefix(d));
                ends.computeIfAbsent(end, k -> new AtomicInteger()).incrementAndGet();
            }
        });
        // As many as the victim's run leaves time for (all 300 on a quiet machine): each ends the same way.
        assertEquals(java.util.Set.of("INVALID_ARGUMENT (the app id's first characters and its length)"),
                ends.keySet(), "every call ends the same way: " + ends);
        assertTrue(ends.values().iterator().next().get() >= 50, "calls made: " + ends);
    }

    /**
     * Not beside the victim but before it: forwarding 1 MiB header lists through two sidecars is CPU-bound work (each
     * is decoded, checked and encoded again at every hop) that the memory budget bounds in bytes but not in time.
     * What is checked: the sidecar keeps no long label, lives, and serves the victim as before once it is over.
     */
    @Test
    void mebibyteAndThousandsOfLongMethodNamesLeaveTheMetricsPageSmall() throws Exception {
        Channel ch = attackerChannel();
        for (int i = 0; i < 300; i++) { // 1 MiB :path values, each a different one (300 MiB for a 128 MiB heap)
            unary(ch, longMethod(i, 1 << 20), new Metadata());
        }
        for (int i = 0; i < 1_000; i++) { // 1,000 different 4 KiB ones
            unary(ch, longMethod(i, 4 << 10), new Metadata());
        }
        assertUnharmed(victim.run(VICTIM_RATE, VICTIM_RUN));
        String page = metricsPage();
        assertTrue(page.length() < 1 << 20, "the metrics page is " + page.length() + " characters");
        assertTrue(page.contains("grpc_server_method=\"other\""), "long methods are counted as other");
    }

    // === the memory governor: header blocks never finished, HPACK bombs ===

    /**
     * 90 connections, 30 a second, each holding a header block of 1 MiB that it never finishes: 90 MiB asked of a
     * sidecar with a budget of 48 MiB. Past half of a loop's share new API connections are refused as they are
     * accepted, past three quarters the largest holders are closed; the victim's connections, holding nothing, keep
     * serving as before, and the sidecar never holds more than its budget.
     */
    @Test
    void ninetyUnfinishedMebibyteHeaderBlocksAreHeldWithinTheMemoryBudget() throws Exception {
        ninetyUnfinishedHeaderBlocks(1 << 20);
    }

    /**
     * The case: 4.9 MB blocks (just under the 5 MiB at which the codec closes a connection), 441 MB asked.
     * Memory holds as above, and the victim's latency stays within the isolation bound too: each block's frames wait
     * whole in the codec's input and are copied once ({@code HeaderBlockJoiner}). Netty's own assembly copied the
     * block so far at every CONTINUATION frame, 735 MB of memcpy per block, and the victim's p99 rose by 50..100 ms.
     */
    @Test
    void ninetyUnfinishedHeaderBlocksJustUnderTheLimitAreHeldWithinTheMemoryBudget() throws Exception {
        ninetyUnfinishedHeaderBlocks(4_900_000);
    }

    private void ninetyUnfinishedHeaderBlocks(int blockBytes) throws Exception {
        List<RawH2Client> blocks = new CopyOnWriteArrayList<>();
        long[] heldMost = {0};
        // Laid out once: 90 copies would be up to 900 MB of garbage in this JVM, whose pauses the victim would measure.
        ByteBuf frames = HostileFrames.unfinishedHeaderBlock(1, blockBytes);
        byte[] block = new byte[frames.readableBytes()];
        frames.readBytes(block);
        frames.release();
        try {
            underAttack(stop -> {
                long next = System.nanoTime();
                for (int i = 0; i < 90 && !stop.get(); i++) {
                    next += 33_000_000; // 30 connections a second: all 90 inside the victim's run
                    LockSupport.parkNanos(next - System.nanoTime());
                    RawH2Client c = RawH2Client.connect(apiPort);
                    blocks.add(c);
                    c.send(block);
                    if (i % 15 == 14) { // a few scrapes only: rendering the page is work of its own
                        heldMost[0] = Math.max(heldMost[0], metric(metricsPage(), "h2splice_memory_held_bytes"));
                    }
                }
            });
            System.out.println("unfinished header blocks of " + blockBytes + " bytes: RSS of the sidecar "
                    + rssKib(client) + " KiB (high water " + hwmKib(client) + " KiB), most held " + heldMost[0]);
            String page = metricsPage();
            long refused = metric(page, "h2splice_memory_refused_total{what=\"connection\"}");
            long shed = metric(page, "h2splice_memory_shed_total{what=\"connection\"}");
            assertTrue(refused + shed > 0, "the governor acted: refused " + refused + ", shed " + shed);
            long closed = blocks.stream().filter(RawH2Client::isClosed).count();
            assertTrue(closed >= blocks.size() / 2, closed + " of " + blocks.size() + " closed");
            assertTrue(heldMost[0] <= 48L << 20, "held " + heldMost[0] + " bytes, over the budget");
        } finally {
            blocks.forEach(RawH2Client::close);
        }
        sleep(200);
        assertEquals(0, metric(metricsPage(), "h2splice_memory_held_bytes"), "all released once they are gone");
        System.out.println("after: RSS of the sidecar " + rssKib(client) + " KiB");
    }

    /**
     * HPACK bombs (a 4,000-byte value added to the dynamic table, then indexed 1,000 times: 5 KB sent, 4 MB decoded),
     * 50 a second, each on a new connection: each connection is closed with ENHANCE_YOUR_CALM at its first request,
     * which reaches no app, and the victim sees nothing of it.
     */
    @Test
    void hpackBombsAreClosedAtTheirFirstRequest() throws Exception {
        List<Long> codes = new CopyOnWriteArrayList<>();
        underAttack(stop -> pace(50, stop, () -> {
            try (RawH2Client c = RawH2Client.connect(apiPort)) {
                c.send(HostileFrames.hpackBomb(1, 4_000, 1_000));
                if (c.awaitClosed(2_000)) {
                    codes.add(c.goAwayCode());
                }
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return true;
        }));
        assertTrue(codes.size() >= 50, "bomb connections closed: " + codes.size());
        assertTrue(codes.stream().allMatch(c -> c == ENHANCE_YOUR_CALM), "GOAWAY codes " + codes);
    }

    /**
     * SETTINGS floods: 50 connections a second, each sending 1,000 empty SETTINGS frames (whose acknowledgements its
     * reader thread reads): each is closed with ENHANCE_YOUR_CALM past its 100th, and the victim sees nothing of it.
     */
    @Test
    void settingsFloodsAreClosed() throws Exception {
        byte[] flood = new byte[9 * 1_000];
        for (int at = 0; at < flood.length; at += 9) {
            flood[at + 3] = 0x4; // an empty SETTINGS frame: length 0, type 4, no flags, stream 0
        }
        List<Long> codes = new CopyOnWriteArrayList<>();
        underAttack(stop -> pace(50, stop, () -> {
            try (RawH2Client c = RawH2Client.connect(apiPort)) {
                c.send(flood);
                if (c.awaitClosed(2_000)) {
                    codes.add(c.goAwayCode());
                }
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return true;
        }));
        assertTrue(codes.size() >= 50, "flooding connections closed: " + codes.size());
        // A GOAWAY can be lost to the reset that closing with unread frames causes (-1): most must read it.
        long calm = codes.stream().filter(c -> c == ENHANCE_YOUR_CALM).count();
        assertTrue(calm >= codes.size() / 2, "GOAWAY codes " + codes);
    }

    private String metricsPage() throws Exception {
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        return page.body();
    }

    /** The value of the sample {@code series} (name and labels as written) on a metrics page. */
    private static long metric(String page, String series) {
        for (String line : page.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Long.parseLong(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " on the metrics page");
    }

    private static long rssKib(Process p) throws java.io.IOException {
        return procStatus(p, "VmRSS:");
    }

    private static long hwmKib(Process p) throws java.io.IOException {
        return procStatus(p, "VmHWM:");
    }

    private static long procStatus(Process p, String field) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** One unary call with {@code md}, waited for; its status. */
    private static Status unary(Channel ch, io.grpc.MethodDescriptor<byte[], byte[]> method, Metadata md)
            throws InterruptedException {
        java.util.concurrent.CompletableFuture<Status> done = new java.util.concurrent.CompletableFuture<>();
        ClientCall<byte[], byte[]> call =
                ch.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(status);
            }
        }, md);
        call.request(1);
        call.sendMessage(new byte[] {1});
        call.halfClose();
        try {
            return done.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a call did not end", e);
        }
    }

    private static io.grpc.MethodDescriptor<byte[], byte[]> longMethod(int i, int length) {
        return TestService.method(TestService.SERVICE + "/" + i + "m".repeat(length),
                io.grpc.MethodDescriptor.MethodType.UNARY);
    }

    private static String prefix(String s) {
        return s == null ? "" : s.substring(0, Math.min(40, s.length()));
    }

    // === harness ===

    /** Runs {@code attack} on its own thread while the victim runs, then asserts on the victim. */
    private void underAttack(Attack attack) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean failed = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                attack.run(stop);
            } catch (Throwable e) {
                failed.set(true);
                e.printStackTrace();
            }
        }, "attacker");
        t.start();
        sleep(300);
        VictimLoad.Result r = victim.run(VICTIM_RATE, VICTIM_RUN);
        stop.set(true);
        t.join(20_000);
        assertUnharmed(r);
        assertTrue(!failed.get(), "the attacker thread failed (stack trace above)");
    }

    /** No error, and a p99 within twice the baseline's or 100 ms above it. */
    private void assertUnharmed(VictimLoad.Result r) {
        System.out.println(getClass().getSimpleName() + ": baseline " + baseline + "; now " + r);
        assertTrue(r.errors().isEmpty(), "the victim saw errors: " + r + "\n" + tail(serverLog) + tail(clientLog));
        long limit = Math.max(2 * baseline.p99Micros(), baseline.p99Micros() + 100_000);
        assertTrue(r.p99Micros() <= limit, "victim p99 " + r.p99Micros() + " µs, baseline " + baseline.p99Micros()
                + " µs: " + r);
    }

    /**
     * Raw attack connections to the client sidecar's API port, each opening calls and doing {@code misbehave} to each
     * until the sidecar closes it, replaced by a new one, for as long as the victim runs. Every connection must end
     * with GOAWAY ENHANCE_YOUR_CALM within a second of its start.
     */
    private void rawAttack(BiPredicate<RawH2Client, Integer> misbehave) throws Exception {
        Predicate<RawH2Client> step = c -> {
            int id = c.openCall(SERVER);
            return id > 0 && misbehave.test(c, id);
        };
        List<Long> lived = new CopyOnWriteArrayList<>();
        List<Long> codes = new CopyOnWriteArrayList<>();
        underAttack(stop -> {
            while (!stop.get()) {
                long opened = System.nanoTime();
                try (RawH2Client c = RawH2Client.connect(apiPort)) {
                    pace(RAW_ATTACK_RATE, stop, () -> step.test(c) && !c.isClosed());
                    if (c.awaitClosed(2_000)) {
                        lived.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
                        codes.add(c.goAwayCode());
                    }
                }
            }
        });
        assertTrue(lived.size() >= 2, "the attack connections were not closed: " + lived);
        // -1: no GOAWAY read. The attacker writes on after the GOAWAY, so the sidecar's close resets the connection,
        // and a reset that reaches the client first discards the GOAWAY waiting in its socket (seen on a busy machine).
        assertTrue(codes.stream().allMatch(c -> c == ENHANCE_YOUR_CALM || c == -1), "GOAWAY codes " + codes);
        assertTrue(codes.stream().filter(c -> c == ENHANCE_YOUR_CALM).count() * 2 >= codes.size(),
                "GOAWAY codes " + codes);
        assertTrue(lived.stream().allMatch(ms -> ms < 1_000), "attack connections closed after " + lived + " ms");
    }

    /** A Fetch of {@code count} messages of {@code size} bytes that reads nothing until the test asks. */
    private static ClientCall<byte[], byte[]> fetch(Channel ch, int count, int size) {
        ClientCall<byte[], byte[]> call = ch.newCall(TestService.FETCH, CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() { }, new Metadata());
        call.sendMessage(ByteBuffer.allocate(8).putInt(count).putInt(size).array());
        call.halfClose();
        return call;
    }

    /** The attacker's own client connection to sidecar A, routed to the same app as the victim. */
    private Channel attackerChannel() {
        ManagedChannel ch = NettyChannelBuilder.forAddress(TwoSidecars.loopback(apiPort)).usePlaintext().build();
        attackers.add(ch);
        return ClientInterceptors.intercept(ch,
                MetadataUtils.newAttachHeadersInterceptor(GrpcCalls.routedTo(SERVER)));
    }

    /** The last lines of a sidecar's log, for a failure message. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "---- " + log.getFileName() + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (java.io.IOException e) {
            return "(cannot read " + log + ")\n";
        }
    }

    /** Runs {@code step} {@code perSecond} times a second until it returns false or {@code stop} is set. */
    private static void pace(int perSecond, AtomicBoolean stop, BooleanSupplier step) {
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        while (!stop.get() && step.getAsBoolean()) {
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Attack {
        void run(AtomicBoolean stop) throws Exception;
    }
}
