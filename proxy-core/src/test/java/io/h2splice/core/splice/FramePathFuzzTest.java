package io.h2splice.core.splice;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.testing.H2Peer;
import io.h2splice.core.testing.LeakGuard;
import io.h2splice.core.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes a client sends after a valid preface and SETTINGS, into the API listener's real pipeline: the splice
 * engine behind {@link EmbeddedChannel}s ({@link EngineFixture}), with the app answering each call it is given
 * (response HEADERS, one message, trailers). The input is fed as two socket reads (its halves), then 30 s pass.
 *
 * <p>Invariants, for every input: no exception reaches the end of a pipeline; everything the proxy wrote to the
 * client parses as HTTP/2; a connection the proxy closed was sent a GOAWAY first; after the client's connection
 * is closed and a minute has passed, no stream is counted as active, every buffer fed in is back to the test's one
 * reference, and every buffer the channels allocated was released (counted by a {@link TrackingAllocator}; Netty's
 * PARANOID leak detector, set by the build's argLine and recorded by {@link LeakGuard}, reports the rest).
 * Seeds: {@code FramePathFuzzTestInputs/frames}: client frames after the preface, as {@link H2Peer} writes them.
 */
class FramePathFuzzTest {

    private static final ProxyConfig CONFIG = ProxyConfig.loopback("app", 50051);
    /** A forced GC and leak sweep every this many inputs while fuzzing (leaks surface only after a GC). */
    private static final int SWEEP_EVERY = 2_048;
    private static int runs;
    /** Netty's and the proxy's loggers, quieted to WARNING while this class runs (kept: JUL holds loggers weakly). */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("io.netty"), Logger.getLogger("io.h2splice"));
    private static final List<Level> LEVELS = new ArrayList<>();

    @BeforeAll
    static void quiet() {
        for (Logger l : QUIET) {
            LEVELS.add(l.getLevel());
            l.setLevel(Level.WARNING); // an info line per protocol error would slow fuzzing down many times over
        }
    }

    @AfterAll
    static void restore() {
        for (int i = 0; i < QUIET.size(); i++) {
            QUIET.get(i).setLevel(LEVELS.get(i));
        }
    }

    @FuzzTest
    void frames(byte[] data) throws Exception {
        TrackingAllocator allocator = new TrackingAllocator();
        EngineFixture f = new EngineFixture() { };
        f.allocator = allocator;
        EmbeddedChannel down = f.start(CONFIG, ProxyMetrics.Side.API);
        f.client.maxHeaderListSize(CONFIG.limits().maxHeaderListSize());
        Set<Long> answered = new HashSet<>();
        List<H2Peer.Frame> atClient = new ArrayList<>();
        int half = data.length / 2;
        feed(f, down, Unpooled.copiedBuffer(data, 0, half));
        serveApps(f, answered);
        feed(f, down, Unpooled.copiedBuffer(data, half, data.length - half));
        serveApps(f, answered);
        atClient.addAll(f.client.read(down)); // throws if the proxy wrote something that is not HTTP/2
        down.advanceTimeBy(30, TimeUnit.SECONDS);
        down.runPendingTasks();
        serveApps(f, answered);
        down.checkException();
        atClient.addAll(f.client.read(down));
        if (!down.isOpen()) {
            assertFalse(ofType(atClient, "GOAWAY").isEmpty(), "closed without a GOAWAY: " + atClient);
        }

        f.tearDown(); // closes gracefully, lets a minute pass, checks the buffers fed in
        assertEquals(0, f.metrics.streamsActive(), "streams still counted as active after the connection closed");
        List<String> unreleased = allocator.unreleased();
        assertTrue(unreleased.isEmpty(), unreleased.size() + " of " + allocator.allocations()
                + " buffers the channels allocated were not released: " + unreleased);
        List<String> leaks = ++runs % SWEEP_EVERY == 0 ? LeakGuard.sweep(1) : LeakGuard.peek();
        assertTrue(leaks.isEmpty(), "Netty reported a leak (it may come from an earlier input): " + leaks);
    }

    /** One socket read; a closed connection reads nothing more. */
    private static void feed(EngineFixture f, EmbeddedChannel ch, ByteBuf bytes) {
        if (!ch.isOpen()) {
            bytes.release();
            return;
        }
        f.fed.add(bytes.retain()); // the test's reference, checked and dropped by tearDown
        ch.writeInbound(bytes); // throws what reached the end of the pipeline
        ch.runPendingTasks();
        f.down.runPendingTasks();
    }

    /** Each app sends its SETTINGS once, and answers every call it has not answered yet. */
    private static void serveApps(EngineFixture f, Set<Long> answered) throws Exception {
        for (int i = 0; i < f.upstreams.size(); i++) {
            EmbeddedChannel up = f.upstreams.get(i);
            H2Peer app = f.apps.get(i);
            boolean first = answered.add((long) i << 32);
            if (first) {
                app.maxHeaderListSize(CONFIG.limits().maxHeaderListSize());
            }
            List<H2Peer.Frame> frames = app.read(up);
            if (first) {
                feed(f, up, app.settings(new Http2Settings()));
            }
            for (H2Peer.Frame frame : ofType(frames, "HEADERS")) {
                int id = frame.streamId();
                if (id == 0 || !answered.add((long) i << 32 | id)) {
                    continue;
                }
                feed(f, up, app.headers(id, new DefaultHttp2Headers().status("200")
                        .set("content-type", "application/grpc"), false));
                feed(f, up, H2Peer.data(id, EngineFixture.grpcMessage("pong"), false));
                feed(f, up, app.headers(id, new DefaultHttp2Headers().set("grpc-status", "0"), true));
            }
        }
    }
}
