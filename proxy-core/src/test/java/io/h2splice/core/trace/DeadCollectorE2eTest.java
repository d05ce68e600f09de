package io.h2splice.core.trace;

import io.grpc.Status;
import io.h2splice.core.config.Tracing;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A collector that accepts connections and never answers must not slow calls: every call through a sidecar that
 * samples everything and exports to it completes promptly, the spans that do not fit the queue are dropped and
 * counted, and closing the tracing is bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadCollectorE2eTest {

    private static final int CALLS = 300;
    private static final int QUEUE = 8;

    @Test
    void callsDoNotWaitForADeadExporterAndSpansAreDropped() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept()); // accepted, never read from, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "black-hole-collector");
            acceptor.setDaemon(true);
            acceptor.start();

            Tracing config = new Tracing(1.0, "http://127.0.0.1:" + blackHole.getLocalPort() + "/api/v2/spans",
                    null, null, true, Map.of(), Duration.ofSeconds(30), false);
            TraceRuntime tracing = TraceRuntime.start(config, "client", Map.of(), QUEUE);
            long slowest = 0;
            try (TwoSidecars net = TwoSidecars.builder().tracerA(tracing.tracer()).start()) {
                long start = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    long t0 = System.nanoTime();
                    CallResult r = GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo(TwoSidecars.SERVER),
                            "x".getBytes(StandardCharsets.UTF_8));
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    assertEquals(Status.Code.OK, r.status().getCode(), r.describe());
                }
                long total = System.nanoTime() - start;
                // The exporter blocks for 30 s per batch; calls never see it.
                assertTrue(TimeUnit.NANOSECONDS.toSeconds(total) < 20, CALLS + " calls took "
                        + TimeUnit.NANOSECONDS.toMillis(total) + " ms");
                assertTrue(TimeUnit.NANOSECONDS.toMillis(slowest) < 2000, "slowest call "
                        + TimeUnit.NANOSECONDS.toMillis(slowest) + " ms");
            }
            String metrics = tracing.metricsText();
            long dropped = counter(metrics, "h2splice_trace_spans_dropped_total");
            assertEquals(CALLS, counter(metrics, "h2splice_trace_spans_started_total"), metrics);
            assertEquals(0, counter(metrics, "h2splice_trace_spans_exported_total"), metrics);
            // At most one queue's worth is stuck in the hung export and one more waits in the queue.
            assertTrue(dropped >= CALLS - 2L * QUEUE, "dropped " + dropped + "\n" + metrics);

            long t0 = System.nanoTime();
            tracing.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(closeMillis < TraceRuntime.CLOSE_TIMEOUT.toMillis() + 1000, "close took " + closeMillis
                    + " ms");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    static long counter(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in\n" + metrics);
    }
}
