package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.BufferMemory;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.outbound.OutboundRouter;
import io.h2splice.core.testing.H2Peer;
import io.h2splice.core.testing.HostileFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory governor over {@link EmbeddedChannel}s: one loop with a budget of 4 MiB (refusing at 2 MiB, shedding
 * past 3 MiB), an attacker on connections of its own, and a victim call on the fixture's client connection that must
 * be answered whatever the attacker does. Every buffer fed in is checked for release by the fixture.
 */
class MemoryBudgetTest extends EngineFixture {

    private static final int MIB = 1 << 20;
    private static final int FRAME = 16_384;
    private static final Limits BUDGET_4_MIB = Limits.defaults().withMemoryBudget(4L * MIB);

    private final List<EmbeddedChannel> others = new ArrayList<>();
    private final List<H2Peer> otherPeers = new ArrayList<>();

    @AfterEach
    void closeOthers() {
        for (EmbeddedChannel ch : others) {
            ch.pipeline().close(); // graceful: its calls end when the shutdown timeout passes
            ch.advanceTimeBy(1, TimeUnit.MINUTES);
            settle(ch);
            ch.finishAndReleaseAll();
        }
        otherPeers.forEach(H2Peer::close);
    }

    // === unfinished header blocks (CONTINUATION, never ended) ===

    @Test
    void unfinishedHeaderBlocksAreChargedAndTheLargestHolderIsClosedPastTheSecondMark() throws Exception {
        start(BUDGET_4_MIB);
        feed(down, client.settingsAck());
        int victimUp = openVictimCall();
        long victimCharge = state.memory().used();

        EmbeddedChannel a1 = otherClient();
        EmbeddedChannel a2 = otherClient();
        EmbeddedChannel a3 = otherClient();
        openHeaderBlock(a1, MIB / 2);
        assertEquals(victimCharge + MIB / 2, state.memory().used(), "an unfinished block is charged as it arrives");
        assertFalse(state.memory().refusesConnections());
        openHeaderBlock(a2, 3 * MIB / 2);
        assertTrue(state.memory().refusesConnections(), "half the budget held: new connections are refused");

        openHeaderBlock(a3, MIB); // past three quarters on the way: the largest holder then (a2) goes
        settle(a2);
        assertFalse(a2.isActive(), "the connection holding the most was closed");
        assertTrue(a1.isActive() && a3.isActive(), "the others were not");
        assertEquals(1, metrics.memoryShedCount(true));
        assertEquals(victimCharge + 3L * MIB / 2, state.memory().used(), "the closed connection's block was released");
        assertEquals(1, metrics.goAwaysSent((int) Http2Error.ENHANCE_YOUR_CALM.code()));

        answerVictim(victimUp);
        a1.pipeline().close();
        a3.pipeline().close();
        assertEquals(0, state.memory().used(), "the victim's call ended and closing a connection released its block");
        assertFalse(state.memory().refusesConnections());
    }

    // === new streams refused on the connection that holds more than its share ===

    @Test
    void pastTheFirstMarkNewStreamsAreRefusedOnlyOnTheConnectionHoldingMoreThanItsShare() throws Exception {
        start(BUDGET_4_MIB);
        feed(down, client.settingsAck());
        EmbeddedChannel holder = otherClient();
        H2Peer holderPeer = otherPeers.get(0);
        feed(holder, holderPeer.settingsAck());
        // Five calls send 512 KiB each that the app (a 64 KiB window it never opens) cannot take: ~2.5 MiB held.
        for (int i = 0; i < 5; i++) {
            int id = 2 * i + 1;
            feed(holder, holderPeer.headers(id, request("app"), false));
            if (i == 0) {
                feed(upstreams.get(0), H2Peer.concat(apps.get(0).settings(new Http2Settings()),
                        apps.get(0).settingsAck()));
            }
            for (int sent = 0; sent < MIB / 2; sent += FRAME) {
                feed(holder, H2Peer.data(id, new byte[FRAME], false));
            }
        }
        long used = state.memory().used();
        assertTrue(used >= 2L * MIB && used <= 3L * MIB, "between the marks: " + used);

        feed(holder, holderPeer.headers(11, request("app"), false));
        List<H2Peer.Frame> atHolder = ofType(holderPeer.read(holder), "RST_STREAM");
        assertEquals(1, atHolder.size(), atHolder.toString());
        assertEquals(11, atHolder.get(0).streamId());
        assertEquals(Http2Error.REFUSED_STREAM.code(), atHolder.get(0).code());
        assertEquals(1, metrics.memoryRefusedCount(false));

        int victimUp = openVictimCall(); // the victim's connection holds nothing: its new call goes through
        answerVictim(victimUp);
        assertEquals(1, metrics.memoryRefusedCount(false), "the victim's call was not refused");
        assertTrue(holder.isActive(), "refusing a stream keeps the connection");
    }

    // === past the second mark on a shared connection: one call is shed, never the connection ===

    @Test
    void pastTheSecondMarkASharedConnectionLosesOnlyTheCallHoldingTheMost() throws Exception {
        start(ProxyConfig.loopback("app", 50051).withLimits(BUDGET_4_MIB), ProxyMetrics.Side.INTERNAL);
        feed(down, client.settingsAck());
        int calls = 4;
        for (int i = 0; i < calls; i++) { // all open first: the charge then grows on running calls, none refused
            feed(down, client.headers(2 * i + 1, request("app"), false));
            if (i == 0) {
                feed(upstreams.get(0), H2Peer.concat(apps.get(0).settings(new Http2Settings()),
                        apps.get(0).settingsAck()));
            }
        }
        apps.get(0).read(upstreams.get(0));
        for (int i = 0; i < calls; i++) {
            for (int sent = 0; sent < MIB; sent += FRAME) {
                feed(down, H2Peer.data(2 * i + 1, new byte[FRAME], false));
            }
        }
        List<H2Peer.Frame> resets = ofType(client.read(down), "RST_STREAM");
        assertEquals(1, resets.size(), "one call shed: " + resets);
        assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), resets.get(0).code());
        assertEquals(1, metrics.memoryShedCount(false));
        assertEquals(0, metrics.memoryShedCount(true));
        assertTrue(down.isActive(), "the shared connection stays");
        assertTrue(state.memory().used() <= 3L * MIB, "back under the second mark: " + state.memory().used());
    }

    // === what is charged is payload: the JVM's direct memory is watched too ===

    /**
     * DATA frames whose slices keep large read buffers alive: 48 KiB charged, 48 MiB of direct memory kept (as many
     * small held frames keep their read buffers' chunks). Far under the budget, the JVM's direct memory passes half of
     * its limit (new connections refused), then three quarters: the call keeping it is shed and lets go of its
     * buffers at once, and the victim's call on the same connection is answered even while the pressure lasts.
     */
    @Test
    void aCallKeepingFarMoreDirectMemoryThanItsChargeIsShedPastThreeQuartersOfTheDirectLimit() throws Exception {
        long base = BufferMemory.jvmDirectUsed();
        Assumptions.assumeTrue(base >= 0 && base < 24L * MIB, "direct memory in use before the test: " + base);
        // Shed past base + 40 MiB (three quarters of the limit), between the 32 and the 48 MiB kept below, whatever the
        // base (the allocator's pools left by earlier tests); refuse past (base + 40 MiB) * 2/3, under 32 MiB + base.
        start(Limits.defaults().withDirectMemoryLimit((base + 40L * MIB) * 4 / 3));
        feed(down, client.settingsAck());
        int victimUp = openVictimCall();
        int hog = 3;
        feed(down, client.headers(hog, request("app"), false));
        for (int i = 0; i < 4; i++) { // the app's 64 KiB window, taken by the app
            feed(down, H2Peer.data(hog, new byte[FRAME], false));
        }
        apps.get(0).read(upstreams.get(0));
        assertFalse(state.memory().refusesConnections());

        List<ByteBuf> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // past the app's window: held, each in a 16 MiB read buffer of its own
            ByteBuf readBuffer = Unpooled.directBuffer(16 * MIB);
            ByteBuf frame = H2Peer.data(hog, new byte[FRAME], false);
            readBuffer.writeBytes(frame);
            frame.release();
            kept.add(readBuffer.retain()); // this test's reference, to see when the engine lets go of its own
            down.writeInbound(readBuffer);
            down.runPendingTasks();
            if (i == 1) {
                assertTrue(state.memory().refusesConnections(), "32 MiB kept: past half the direct limit");
                assertTrue(ofType(client.read(down), "RST_STREAM").isEmpty(), "under three quarters: nothing shed");
            }
        }
        down.runPendingTasks();
        List<H2Peer.Frame> resets = ofType(client.read(down), "RST_STREAM");
        assertEquals(1, resets.size(), resets.toString());
        assertEquals(hog, resets.get(0).streamId(), "the call keeping the memory is shed, not the victim");
        assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), resets.get(0).code());
        assertEquals(1, metrics.memoryShedCount(false));
        assertTrue(state.memory().used() < MIB, "never near the budget: " + state.memory().used());
        for (ByteBuf b : kept) {
            assertEquals(1, b.refCnt(), "the engine released its slices of the read buffer when the call was shed");
        }
        // This test still keeps the 48 MiB: the pressure stays, but what is left on the connection (the victim's
        // headers) is under the floor, so no bystander is shed for memory its calls do not keep.
        down.runPendingTasks();
        answerVictim(victimUp);
        assertEquals(1, metrics.memoryShedCount(false));
        kept.forEach(ByteBuf::release);
        assertFalse(state.memory().refusesConnections(), "direct memory back under half its limit");
        assertTrue(down.isActive());
    }

    // === the HPACK bomb: decoded bytes are counted, not only wire bytes ===

    @Test
    void aHeaderListThatDecodesToFarMoreThanWasSentClosesItsConnectionAndIsNeverForwarded() throws Exception {
        start(BUDGET_4_MIB);
        feed(down, client.settingsAck());
        EmbeddedChannel attacker = otherClient();
        H2Peer attackerPeer = otherPeers.get(0);
        feed(attacker, HostileFrames.hpackBomb(1, 4_000, 1_000)); // ~5 KB sent, ~4 MB decoded
        assertFalse(attacker.isActive(), "the bomb's connection is closed");
        List<H2Peer.Frame> goAway = ofType(attackerPeer.read(attacker), "GOAWAY");
        assertEquals(1, goAway.size());
        assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), goAway.get(0).code());
        assertTrue(upstreams.isEmpty(), "nothing of it reached the app");

        int victimUp = openVictimCall();
        answerVictim(victimUp);
    }

    @Test
    void aLargeLiteralHeaderListIsNoBomb() throws Exception {
        // Decoding 3 MiB from leak-tracked buffers at PARANOID records every read: the fixture's own release
        // checks stay, Netty's sampling is lowered for this one test.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            start(BUDGET_4_MIB);
            feed(down, client.settingsAck());
            feed(down, client.headers(1, request("app"), true)); // dials the app, which takes 1 MiB of headers at most
            feed(upstreams.get(0), H2Peer.concat(apps.get(0).settings(new Http2Settings().maxHeaderListSize(MIB)),
                    apps.get(0).settingsAck()));
            apps.get(0).read(upstreams.get(0));
            // 3 MiB of one letter, Huffman-coded to 5/8 (the most a literal can shrink): 1.9 MB sent for 3 MiB
            // decoded. Judged by wire bytes alone that is 1.1 MiB of surplus; judged as a literal may decode, none.
            feed(down, HostileFrames.huffmanLiteralRequest(3, "app", 3 * MIB));
            assertTrue(down.isActive(), "a large honest header list is no bomb");
            assertEquals(2, metrics.streamsTotal(), "its call started");
            List<H2Peer.Frame> atClient = ofType(client.read(down), "HEADERS");
            assertEquals(1, atClient.size(), atClient.toString());
            assertEquals(3, atClient.get(0).streamId());
            assertEquals("13", atClient.get(0).headers().get("grpc-status").toString(), "INTERNAL: too large for the app");
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    // === helpers ===

    /** Runs the loop's tasks (the shedding pass, then the flush it asks for) and {@code ch}'s until none is left. */
    private void settle(EmbeddedChannel ch) {
        for (int i = 0; i < 4; i++) {
            down.runPendingTasks();
            ch.runPendingTasks();
        }
    }

    /** A call on the fixture's client connection; returns its upstream stream id (the app's SETTINGS exchanged). */
    private int openVictimCall() throws Exception {
        boolean first = upstreams.isEmpty();
        feed(down, client.headers(victimId, request("app"), false));
        feed(down, H2Peer.data(victimId, grpcMessage("ping"), true));
        if (first) {
            feed(upstreams.get(0), H2Peer.concat(apps.get(0).settings(new Http2Settings()),
                    apps.get(0).settingsAck()));
        }
        List<H2Peer.Frame> headers = ofType(apps.get(0).read(upstreams.get(0)), "HEADERS");
        assertFalse(headers.isEmpty(), "the victim's call reached the app");
        return headers.get(headers.size() - 1).streamId();
    }

    private int victimId = 1;

    /** The app answers the victim's call; the client must see the response and its OK trailers. */
    private void answerVictim(int upId) throws Exception {
        EmbeddedChannel up = upstreams.get(0);
        H2Peer app = apps.get(0);
        feed(up, app.headers(upId, new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
                false));
        feed(up, H2Peer.data(upId, grpcMessage("pong"), false));
        feed(up, app.headers(upId, new DefaultHttp2Headers().set("grpc-status", "0"), true));
        List<H2Peer.Frame> atClient = ofType(client.read(down), "HEADERS");
        int id = victimId;
        assertEquals(2, atClient.stream().filter(f -> f.streamId() == id).count(), "victim answered: " + atClient);
        victimId += 2;
    }

    /** Another client connection on the same loop (its preface sent); its peer is kept in {@link #otherPeers}. */
    private EmbeddedChannel otherClient() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(HandlerBuilder.downstream(state, ProxyMetrics.Side.API,
                OutboundRouter.builder("app", "default").build()));
        H2Peer peer = new H2Peer(false);
        others.add(ch);
        otherPeers.add(peer);
        feed(ch, peer.clientPreface());
        peer.read(ch);
        return ch;
    }

    /** A HEADERS frame without END_HEADERS, then CONTINUATION frames, {@code bytes} in all, never ended. */
    private void openHeaderBlock(EmbeddedChannel ch, int bytes) {
        feed(ch, HostileFrames.unfinishedHeaderBlock(1, bytes));
    }
}
