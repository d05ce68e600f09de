package io.h2splice.core.splice;

import io.h2splice.core.metrics.MetricsSettings;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.testing.H2Peer;
import io.h2splice.core.trace.CallTracer;
import io.h2splice.perf.support.FrameTally;
import io.h2splice.perf.support.FramesPerMessageProfiler;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

import static io.h2splice.core.testing.H2Peer.ofType;

/**
 * Several calls at once on one client connection through one sidecar ({@link SpliceFixture}, API listener, one
 * upstream connection to the other sidecar), fed as a socket delivers interleaved streams. Every input is a
 * <em>round</em>: one frame of each of the calls, round-robin, handed over as one socket read, after which the loop's
 * flush task runs (the sidecar writes what the read produced, all streams at once, through its flow controller) and
 * everything written is drained, released and tallied ({@link FrameTally}: DATA frames and bytes per connection).
 *
 * <p>Two shapes:
 * <ul>
 *   <li>{@link #unary}: one op opens the calls (a round of request HEADERS), sends each request as rounds of 16 KiB
 *       DATA frames (END_STREAM on the last), then the app answers with a round of response HEADERS, rounds of DATA
 *       and a round of trailers ({@code grpc-status: 0}). Every call ends within the op.</li>
 *   <li>{@link #bidi}: the calls are opened once, at construction, and their responses started (so no replay copy
 *       is kept); one op is one message each way on every stream: a round of request DATA, a round of response
 *       DATA.</li>
 * </ul>
 * A message is {@code messageBytes} of DATA (a gRPC message of {@code messageBytes - 5} bytes and its prefix), with
 * different bytes on every stream and in each direction, cut into frames of 16 KiB as a gRPC client writes them.
 * The peers grant windows of 2^31-1 and top them up by 1 GiB each time 1 GiB was used, as a reading peer returns
 * credit, so flow control never stalls.
 *
 * <p>Checked: the first two ops are decoded frame by frame (routed headers, every message byte for byte on the
 * right stream, END_STREAM, trailers, DATA frames per message ({@link #checkFrames}), no reset); every op, that no
 * round is still referenced when it is fed again; at {@link #close()}, that the timed ops wrote exactly their
 * messages' bytes in no more frames than that, every call ended OK and every buffer fed in is back at refCnt 1. The
 * timed ops allocate nothing of their own: the rounds are encoded once (warm HPACK blocks that refer to table
 * entries only) and their stream ids patched per op.
 *
 * <p>Ownership: the rounds are owned here and released by {@link #close()}; the channels' output is released as it
 * is drained. Threading: the benchmark thread only.
 */
final class InterleavedFixture implements AutoCloseable {

    /** The DATA frame size a gRPC client writes (SETTINGS_MAX_FRAME_SIZE's default). */
    static final int FRAME = 16_384;
    /** The unary calls' method ({@link RequestHeaders#grpcJava}'s), and the bidi calls' (gRPC's interop test's). */
    private static final String UNARY_PATH = "/helloworld.Greeter/SayHello";
    private static final String BIDI_PATH = "/grpc.testing.TestService/FullDuplexCall";
    /** Unary ops stop short of the stream-id space's end (2^31-1) rather than wrap. */
    private static final int MAX_ID = Integer.MAX_VALUE - (1 << 20);

    private final SpliceFixture f;
    private final boolean unary;
    private final int streams;
    private final int messageBytes;
    private final byte[][] requestMessages;
    private final byte[][] responseMessages;
    private final List<ByteBuf> owned = new ArrayList<>();

    // Rounds: one frame per stream, stream ids downBase + 2k (from the client) or upBase + 2k (from the app).
    private final ByteBuf requestHeaders;   // unary only
    private final ByteBuf[] requestData;
    private final ByteBuf responseHeaders;  // unary only
    private final ByteBuf[] responseData;
    private final ByteBuf trailers;         // unary only
    private final ByteBuf clientTopUp;      // WINDOW_UPDATE of the connection
    private final ByteBuf appTopUp;
    private final ByteBuf clientStreamTopUp; // bidi only: a round of stream WINDOW_UPDATEs
    private final ByteBuf appStreamTopUp;

    private int downBase;
    private int upBase;
    private long connectionWindowUsed;
    private long streamWindowUsed;

    private final FrameTally toApp = new FrameTally();
    private final FrameTally toClient = new FrameTally();
    private long timedOps;
    private long framesRecorded;
    /** Non-null while an op is checked: everything the sidecar wrote, decoded. */
    private List<H2Peer.Frame> atApp;
    private List<H2Peer.Frame> atClient;

    /** {@code streams} unary calls per op, each with a request and a response of {@code messageBytes}. */
    static InterleavedFixture unary(int streams, int messageBytes) throws Exception {
        return new InterleavedFixture(true, streams, messageBytes);
    }

    /** {@code streams} bidi calls held open; each op sends one message of {@code messageBytes} each way on each. */
    static InterleavedFixture bidi(int streams, int messageBytes) throws Exception {
        return new InterleavedFixture(false, streams, messageBytes);
    }

    private InterleavedFixture(boolean unary, int streams, int messageBytes) throws Exception {
        if (streams < 1 || messageBytes < 5) {
            throw new IllegalArgumentException("streams >= 1 and messages of at least their 5-byte prefix");
        }
        this.unary = unary;
        this.streams = streams;
        this.messageBytes = messageBytes;
        f = new SpliceFixture(SpliceFixture.Listener.API,
                RequestHeaders.grpcJava(CallBenchmark.HEADERS, SpliceFixture.CALLEE), 16, MetricsSettings.defaults(),
                CallTracer.OFF, ResiliencyPolicies.NONE, true);
        try {
            downBase = f.downId;
            upBase = f.upId;
            requestMessages = new byte[streams][];
            responseMessages = new byte[streams][];
            for (int k = 0; k < streams; k++) {
                requestMessages[k] = message(k, 3);
                responseMessages[k] = message(k, 7);
            }
            int rounds = (messageBytes + FRAME - 1) / FRAME;
            requestData = new ByteBuf[rounds];
            responseData = new ByteBuf[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean last = r == rounds - 1;
                requestData[r] = keep(dataRound(downBase, requestMessages, r, unary && last));
                responseData[r] = keep(dataRound(upBase, responseMessages, r, false));
            }
            H2Peer client = f.client;
            H2Peer app = f.app;
            clientTopUp = keep(client.windowUpdate(0, SpliceFixture.TOP_UP));
            appTopUp = keep(app.windowUpdate(0, SpliceFixture.TOP_UP));
            if (unary) {
                // The fixture's two calls warmed every HPACK table: these blocks refer to table entries only.
                Http2Headers request = RequestHeaders.grpcJava(CallBenchmark.HEADERS, SpliceFixture.CALLEE);
                requestHeaders = keep(round(downBase, id -> client.headers(id, request, false)));
                responseHeaders = keep(round(upBase, id -> app.headers(id, RequestHeaders.grpcResponse(), false)));
                trailers = keep(round(upBase, id -> app.headers(id, RequestHeaders.grpcOkTrailers(), true)));
                clientStreamTopUp = null;
                appStreamTopUp = null;
            } else {
                requestHeaders = null;
                responseHeaders = null;
                trailers = null;
                clientStreamTopUp = keep(round(downBase, id -> client.windowUpdate(id, SpliceFixture.TOP_UP)));
                appStreamTopUp = keep(round(upBase, id -> app.windowUpdate(id, SpliceFixture.TOP_UP)));
                openBidi();
            }
            checkedOp();
            checkedOp();
        } catch (Exception | Error e) {
            f.close();
            releaseOwned(false);
            throw e;
        }
    }

    // === the op (allocation-free on the fixture's side) ===

    /** One op; see the class doc. @return bytes the sidecar wrote */
    long op() {
        long bytes = 0;
        if (unary) {
            if (downBase > MAX_ID || upBase > MAX_ID) {
                throw new IllegalStateException("stream ids used up; run shorter iterations");
            }
            patch(requestHeaders, downBase);
            bytes += read(f.down, requestHeaders);
            for (ByteBuf r : requestData) {
                patch(r, downBase);
                bytes += read(f.down, r);
            }
            patch(responseHeaders, upBase);
            bytes += read(f.up, responseHeaders);
            for (ByteBuf r : responseData) {
                patch(r, upBase);
                bytes += read(f.up, r);
            }
            patch(trailers, upBase);
            bytes += read(f.up, trailers);
            downBase += 2 * streams;
            upBase += 2 * streams;
        } else {
            for (ByteBuf r : requestData) {
                bytes += read(f.down, r);
            }
            for (ByteBuf r : responseData) {
                bytes += read(f.up, r);
            }
        }
        bytes += returnCredit();
        if (atApp == null) {
            timedOps++;
            long frames = toApp.dataFrames() + toClient.dataFrames();
            FramesPerMessageProfiler.record(frames - framesRecorded, 2L * streams);
            framesRecorded = frames;
        }
        return bytes;
    }

    /** One round in as one socket read; the loop's flush task runs; what the sidecar wrote is drained. */
    private long read(EmbeddedChannel ch, ByteBuf round) {
        if (round.refCnt() != 1) { // a retained slice from an earlier op would see its stream ids change
            throw new IllegalStateException("a round is still referenced when fed again: refCnt " + round.refCnt());
        }
        H2Peer.feed(ch, round);
        f.runLoop(); // the loop's flush batch, after the read as on a real event loop
        return out();
    }

    private long out() {
        if (atApp != null) {
            try {
                atApp.addAll(f.app.read(f.up));
                atClient.addAll(f.client.read(f.down));
            } catch (Http2Exception e) {
                throw new IllegalStateException("the sidecar wrote a frame its peer cannot read", e);
            }
            return 0;
        }
        return toApp.drain(f.up) + toClient.drain(f.down);
    }

    /** The peers top their windows up as they are used (never past 2^31-1). */
    private long returnCredit() {
        long bytes = 0;
        connectionWindowUsed += (long) streams * messageBytes; // the same each way
        if (connectionWindowUsed >= SpliceFixture.TOP_UP) {
            connectionWindowUsed -= SpliceFixture.TOP_UP;
            bytes += read(f.up, appTopUp) + read(f.down, clientTopUp);
        }
        if (!unary) { // unary calls get fresh stream windows
            streamWindowUsed += messageBytes;
            if (streamWindowUsed >= SpliceFixture.TOP_UP) {
                streamWindowUsed -= SpliceFixture.TOP_UP;
                bytes += read(f.up, appStreamTopUp) + read(f.down, clientStreamTopUp);
            }
        }
        return bytes;
    }

    // === checks ===

    /** DATA frames a message fills at 16 KiB each: what the sidecar should write per message. */
    private int fullFrames() {
        return (messageBytes + FRAME - 1) / FRAME;
    }

    /**
     * Fails when a direction's DATA frames average more than a message's full frames and one split, where a flush's
     * budget (the channel's writable bytes, 64 KiB + 1) ends inside a frame ({@link InterleavedChecks#messages} bounds
     * each message at every frame split once). Netty's default distributor's 1 KiB slices make ~16 frames of 16 KiB.
     */
    private void checkFrames(long frames, long messages, String what) {
        if (frames > messages * (fullFrames() + 1)) {
            throw new IllegalStateException(what + ": " + frames + " DATA frames for " + messages + " messages of "
                    + messageBytes + " B, more than " + (fullFrames() + 1) + " per message");
        }
    }

    private void checkedOp() {
        atApp = new ArrayList<>();
        atClient = new ArrayList<>();
        long callsBefore = f.metrics.calls(0);
        try {
            op();
            int appBase = unary ? upBase - 2 * streams : upBase; // the op's streams (a unary op moved the bases on)
            int clientBase = unary ? downBase - 2 * streams : downBase;
            if (unary) {
                InterleavedChecks.headers(atApp, streams, appBase, 1, UNARY_PATH);
                InterleavedChecks.headers(atClient, streams, clientBase, 2, null);
            }
            checkFrames(InterleavedChecks.messages(atApp, appBase, requestMessages, unary, fullFrames(), "request"),
                    streams, "request messages");
            checkFrames(InterleavedChecks.messages(atClient, clientBase, responseMessages, false, fullFrames(),
                    "response"), streams, "response messages");
            long open = unary ? 0 : streams;
            long ok = f.metrics.calls(0) - callsBefore;
            if (f.metrics.streamsActive() != open || ok != (unary ? streams : 0)) {
                throw new IllegalStateException("after the op " + f.metrics.streamsActive() + " calls are open (not "
                        + open + ") and " + ok + " ended OK");
            }
            InterleavedChecks.noResets(atApp);
            InterleavedChecks.noResets(atClient);
        } finally {
            atApp = null;
            atClient = null;
        }
    }

    /** Opens the bidi calls: a round of request HEADERS, then a round of response HEADERS; checked. */
    private void openBidi() throws Http2Exception {
        Http2Headers request = RequestHeaders.grpcJava(CallBenchmark.HEADERS, SpliceFixture.CALLEE)
                .path(BIDI_PATH).set("dapr-stream", "true");
        ByteBuf open = round(downBase, id -> f.client.headers(id, request, false)); // encoded in the order fed
        ByteBuf answer = round(upBase, id -> f.app.headers(id, RequestHeaders.grpcResponse(), false));
        try {
            H2Peer.feed(f.down, open);
            f.runLoop();
            List<H2Peer.Frame> routed = f.app.read(f.up);
            if (ofType(routed, "HEADERS").size() != streams) {
                throw new IllegalStateException("expected " + streams + " routed HEADERS, got " + routed);
            }
            InterleavedChecks.headers(routed, streams, upBase, 1, BIDI_PATH);
            H2Peer.feed(f.up, answer);
            f.runLoop();
            InterleavedChecks.headers(f.client.read(f.down), streams, downBase, 1, null);
        } finally {
            open.release();
            answer.release();
        }
    }

    // === teardown ===

    /** Checks the timed ops' totals, ends open calls, checks they all ended OK, releases everything. */
    @Override
    public void close() {
        boolean ok = false;
        try {
            checkTimedOps();
            if (!unary) { // the client half-closes, the app ends each call OK
                ByteBuf halfClose = round(downBase, id -> H2Peer.data(id, new byte[0], true));
                ByteBuf end = round(upBase, id -> f.app.headers(id, RequestHeaders.grpcOkTrailers(), true));
                try {
                    read(f.down, halfClose);
                    read(f.up, end);
                } finally {
                    halfClose.release();
                    end.release();
                }
            }
            f.checkIdle();
            ok = true;
        } finally {
            f.close();
            releaseOwned(ok);
        }
    }

    private void checkTimedOps() {
        long messages = timedOps * streams;
        if (!toApp.atFrameBoundary() || !toClient.atFrameBoundary()) {
            throw new IllegalStateException("a frame was written only in part");
        }
        if (toApp.dataBytes() != messages * messageBytes || toClient.dataBytes() != messages * messageBytes) {
            throw new IllegalStateException("DATA bytes written: " + toApp.dataBytes() + " to the app, "
                    + toClient.dataBytes() + " to the client; " + messages * messageBytes + " each expected");
        }
        checkFrames(toApp.dataFrames(), messages, "timed ops, requests");
        checkFrames(toClient.dataFrames(), messages, "timed ops, responses");
    }

    private void releaseOwned(boolean check) {
        String kept = null;
        for (ByteBuf b : owned) {
            if (b.refCnt() != 1 && kept == null) {
                kept = "a round ends with refCnt " + b.refCnt() + ", not 1";
            }
            if (b.refCnt() > 0) {
                b.release(b.refCnt());
            }
        }
        owned.clear();
        if (check && kept != null) {
            throw new IllegalStateException(kept);
        }
    }

    // === setup helpers ===

    private ByteBuf keep(ByteBuf b) {
        owned.add(b);
        return b;
    }

    /** One frame per stream, ids {@code base + 2k}, as one buffer. */
    private ByteBuf round(int base, IntFunction<ByteBuf> frame) {
        ByteBuf[] frames = new ByteBuf[streams];
        for (int k = 0; k < streams; k++) {
            frames[k] = frame.apply(base + 2 * k);
        }
        return H2Peer.concat(frames);
    }

    /** Frame {@code r} of every stream's message. */
    private ByteBuf dataRound(int base, byte[][] messages, int r, boolean endStream) {
        ByteBuf[] frames = new ByteBuf[streams];
        for (int k = 0; k < streams; k++) {
            byte[] m = messages[k];
            frames[k] = H2Peer.data(base + 2 * k, Arrays.copyOfRange(m, r * FRAME, Math.min(m.length, (r + 1) * FRAME)),
                    endStream);
        }
        return H2Peer.concat(frames);
    }

    /** A gRPC message of {@code messageBytes} with its prefix; its bytes differ by stream and direction. */
    private byte[] message(int stream, int salt) {
        byte[] m = new byte[messageBytes];
        int length = messageBytes - 5;
        m[1] = (byte) (length >>> 24);
        m[2] = (byte) (length >>> 16);
        m[3] = (byte) (length >>> 8);
        m[4] = (byte) length;
        for (int i = 5; i < messageBytes; i++) {
            m[i] = (byte) (stream * 31 + salt + i * salt);
        }
        return m;
    }

    /** Sets the stream ids of a round's frames to {@code base + 2k}. */
    private static void patch(ByteBuf round, int base) {
        int id = base;
        for (int at = 0; at < round.writerIndex(); at += 9 + round.getUnsignedMedium(at)) {
            round.setInt(at + 5, id);
            id += 2;
        }
    }
}
