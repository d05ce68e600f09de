package io.h2splice.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The installed pipeline end to end, in this JVM: SLF4J → logback → queue → worker → a captured stream. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogPipelineTest {

    static final LogFields FIELDS = new LogFields("test-app", "host-1", "1.2.3", ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logger runtime = LoggerFactory.getLogger("io.h2splice.cli.run");
    private final Logger netty = LoggerFactory.getLogger("io.netty.buffer.PooledByteBufAllocator");
    private final Logger api = LoggerFactory.getLogger(Scope.API_LOGGER);
    /** Netty's HTTP/2 decoder, which says "ignoring DATA frame for stream N" at info for each such frame a peer sends. */
    private final Logger http2Decoder =
            LoggerFactory.getLogger("io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder");

    @AfterEach
    void backToDefault() {
        LogSetup.close();
    }

    @Test
    void eachLevelShowsItsLinesAndAbove() throws IOException {
        assertEquals(List.of("d", "i", "w", "e", "f", "netty-info", "ignoring", "api"), messagesAt(LogLevel.DEBUG));
        assertEquals(List.of("i", "w", "e", "f", "netty-info", "api"), messagesAt(LogLevel.INFO),
                "peer-driven per-frame lines of Netty's HTTP/2 decoder only at debug");
        assertEquals(List.of("w", "e", "f", "api"), messagesAt(LogLevel.WARN));
        assertEquals(List.of("e", "f", "api"), messagesAt(LogLevel.ERROR));
        assertEquals(List.of("f", "api"), messagesAt(LogLevel.FATAL));
    }

    /** API call lines stay at info whatever the level, as daprd's; a fatal line says so. */
    private List<String> messagesAt(LogLevel level) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LogSetup.install(level, true, FIELDS, new PrintStream(buf, true, StandardCharsets.UTF_8), 1024);
        runtime.debug("d");
        runtime.info("i");
        runtime.warn("w");
        runtime.error("e");
        runtime.error(LogSetup.FATAL, "f");
        netty.debug("netty-debug");
        netty.info("netty-info");
        http2Decoder.info("ignoring");
        api.info("api");
        LogSetup.close();
        List<String> msgs = new ArrayList<>();
        for (JsonNode j : lines(buf)) {
            msgs.add(j.get("msg").asText());
            if (j.get("msg").asText().equals("f")) {
                assertEquals("fatal", j.get("level").asText());
            }
        }
        return msgs;
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingTheCaller() throws Exception {
        StuckStream stuck = new StuckStream();
        int queue = 64;
        int lines = 20_000;
        DroppingAsyncAppender q = LogSetup.install(LogLevel.INFO, true, FIELDS, new PrintStream(stuck, false,
                StandardCharsets.UTF_8), queue);
        assertNotNull(q);
        long start = System.nanoTime();
        for (int i = 0; i < lines; i++) {
            runtime.info("line {}", i);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 5_000, "the caller never waits for a stuck output: " + millis + " ms for " + lines);
        // The worker holds at most one batch (up to a queue's worth) while stuck, and the queue holds another.
        long dropped = q.dropped();
        assertTrue(dropped >= lines - 2L * queue - 1, "dropped " + dropped);
        assertEquals(dropped, LogSetup.droppedLines());

        stuck.release();
        LogSetup.close();
        List<JsonNode> out = lines(stuck.written);
        long written = out.stream().filter(j -> j.get("msg").asText().startsWith("line ")).count();
        long reported = 0;
        Pattern report = Pattern.compile("log queue full: dropped (\\d+) line\\(s\\) rather than make the proxy wait");
        for (JsonNode j : out) {
            Matcher m = report.matcher(j.get("msg").asText());
            if (m.matches()) {
                assertEquals("warning", j.get("level").asText());
                reported += Long.parseLong(m.group(1));
            }
        }
        assertEquals(dropped, reported, "every drop is reported");
        assertEquals(lines, written + dropped, "each line is written or counted as dropped");
    }

    @Test
    void closeDoesNotHangOnAStuckOutput() {
        StuckStream stuck = new StuckStream();
        try {
            LogSetup.install(LogLevel.INFO, false, FIELDS, new PrintStream(stuck, false, StandardCharsets.UTF_8), 16);
            runtime.info("never written");
            long start = System.nanoTime();
            LogSetup.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < DroppingAsyncAppender.MAX_FLUSH_MILLIS + 2_000, "close took " + millis + " ms");
        } finally {
            stuck.release();
        }
    }

    @Test
    void closeWritesEveryQueuedLineInOrderSoTheLastLineIsNotLost() throws Exception {
        StuckStream slow = new StuckStream();
        LogSetup.install(LogLevel.INFO, true, FIELDS, new PrintStream(slow, false, StandardCharsets.UTF_8),
                LogSetup.QUEUE_LINES);
        for (int i = 0; i < 500; i++) {
            runtime.info("line {}", i);
        }
        runtime.info("the last line");
        // Everything is still queued behind the stuck worker when close starts; it is let go 100 ms later.
        Thread releaser = new Thread(() -> {
            sleep(100);
            slow.release();
        });
        releaser.start();
        LogSetup.close();
        releaser.join();
        List<String> msgs = lines(slow.written).stream().map(j -> j.get("msg").asText()).toList();
        assertEquals(501, msgs.size(), () -> "lines: " + msgs);
        for (int i = 0; i < 500; i++) {
            assertEquals("line " + i, msgs.get(i));
        }
        assertEquals("the last line", msgs.get(500));
    }

    @Test
    void plainAndAppLinesNeverInterleave() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        LogSetup.install(LogLevel.INFO, false, FIELDS, out, LogSetup.QUEUE_LINES);
        Thread app = new Thread(() -> {
            for (int i = 0; i < 2_000; i++) {
                synchronized (out) { // as LinePump writes an == APP == line
                    out.print("== APP == ");
                    out.print("app line " + i);
                    out.print('\n');
                }
            }
        });
        app.start();
        for (int i = 0; i < 2_000; i++) {
            runtime.info("sidecar line {}", i);
        }
        app.join();
        LogSetup.close();
        List<String> all = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4_000, all.size());
        for (String l : all) {
            assertTrue(l.matches("== APP == app line \\d+") || l.matches("time=\"[^\"]+\" level=info "
                    + "msg=\"sidecar line \\d+\" app_id=test-app instance=host-1 scope=dapr.runtime type=log ver=1.2.3"),
                    l);
        }
    }

    static List<JsonNode> lines(ByteArrayOutputStream buf) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : buf.toString(StandardCharsets.UTF_8).lines().toList()) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An output that blocks every write until {@link #release}, like a full pipe nobody reads. */
    static final class StuckStream extends OutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final CountDownLatch released = new CountDownLatch(1);

        void release() {
            released.countDown();
        }

        @Override
        public void write(int b) {
            await();
            synchronized (written) {
                written.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            await();
            synchronized (written) {
                written.write(b, off, len);
            }
        }

        private void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    released.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // logback interrupts its worker on stop: stay stuck, as a real write would
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static {
        // Touch the backend once, so the first test does not pay for its start (and the timings mean something).
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext)) {
            throw new UncheckedIOException(new IOException("logback is not the SLF4J backend in tests"));
        }
    }
}
