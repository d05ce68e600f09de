package io.h2splice.core.splice;

import io.h2splice.core.config.Limits;
import io.h2splice.core.metrics.FrameSizes;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.testing.H2Peer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.h2splice.core.testing.H2Peer.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the splice frames DATA when several streams of one connection have bytes to write at once (issue #15): the
 * bytes go out in frames of the peer's full frame size, not in small slices dealt round-robin, so a 64 KiB message
 * costs four frames at the next hop, not dozens. Every buffer fed in ends with refCnt 1 (checked by {@link
 * EngineFixture}).
 */
class DataFramingTest extends EngineFixture {

    private static final int FRAME = 16_384;
    private static final int MESSAGE = 64 * 1024;

    /**
     * Four calls each send a 64 KiB request while the app's windows are shut (SETTINGS_INITIAL_WINDOW_SIZE 0), so all
     * 256 KiB wait in the upstream connection's flow controller; then the app opens the windows and everything is
     * written at once, interleaved. Each request must reach the app in 16 KiB frames, with at most one split.
     */
    @Test
    void interleavedStreamsLeaveInFullFrames() throws Exception {
        List<H2Peer.Frame> data = queueThenOpen(4);
        int calls = 4;
        int bytes = data.stream().mapToInt(f -> f.data().length).sum();
        assertEquals(calls * MESSAGE, bytes, "every request byte reached the app");
        int smallest = data.stream().mapToInt(f -> f.data().length).min().orElse(0);
        // Four full frames a message, and at most one split where a flush's budget (the channel's writable bytes)
        // ends mid-frame: 20. Netty's default distributor dealt 1 KiB quanta: 197 frames, the smallest of 101 bytes.
        long full = data.stream().filter(f -> f.data().length == FRAME).count();
        assertTrue(data.size() <= calls * (MESSAGE / FRAME + 1), data.size() + " DATA frames for " + calls
                + " messages of 64 KiB, " + full + " of them full (the smallest " + smallest + " bytes)");
        assertTrue(full >= calls * (MESSAGE / FRAME - 1), full + " full frames of " + data.size());

        // h2splice_data_frame_written_bytes{side="upstream_app"} saw exactly these frames
        FrameSizes written = metrics.framesWritten(ProxyMetrics.Side.UPSTREAM_APP);
        assertEquals(data.size(), written.frames(), "frames written to the app, as the histogram counts them");
        assertEquals(bytes, written.bytes(), "payload bytes written to the app");
        int fullBucket = FrameSizes.bucket(FRAME);
        assertEquals(FrameSizes.BOUNDS[fullBucket], FRAME);
        assertEquals(data.stream().filter(f -> f.data().length > FrameSizes.BOUNDS[fullBucket - 1]).count(),
                written.frames(fullBucket), "frames over 4 KiB and at most 16 KiB");
        assertEquals(0, metrics.framesWritten(ProxyMetrics.Side.API).frames(), "no response DATA was written");
    }

    /**
     * Eight streams with full frames to write: a flush may write 64 KiB + 1 byte before the channel turns unwritable
     * (Netty's budget is the bytes before the high-water mark, plus one); four frames of 16 KiB take 64 KiB, and the
     * byte left over must not go out as a DATA frame of 1 byte to a fifth stream (InterleavedSpliceBenchmark found
     * 36 frames for these 32 frames' worth, one message in eight pairs of 1 and 16,383 bytes).
     */
    @Test
    void aFlushBudgetJustOverFullFramesLeavesNoSliver() throws Exception {
        List<H2Peer.Frame> data = queueThenOpen(8);
        assertEquals(8 * MESSAGE, data.stream().mapToInt(f -> f.data().length).sum(), "every request byte");
        List<Integer> notFull = data.stream().map(f -> f.data().length).filter(n -> n != FRAME).toList();
        assertEquals(List.of(), notFull, "frames that are not full, of " + data.size());
        assertEquals(8 * MESSAGE / FRAME, data.size());
    }

    /**
     * {@code calls} calls each send a 64 KiB request while the app's windows are shut (SETTINGS_INITIAL_WINDOW_SIZE
     * 0), so everything waits in the upstream connection's flow controller; then the app opens the windows and it is
     * written at once, interleaved. Returns the DATA frames the app received.
     */
    private List<H2Peer.Frame> queueThenOpen(int calls) throws Exception {
        start(Limits.defaults());
        feed(down, client.settingsAck());
        EmbeddedChannel up = null;
        H2Peer app = null;
        for (int i = 0; i < calls; i++) {
            int id = 2 * i + 1;
            feed(down, client.headers(id, request("app"), false));
            if (i == 0) {
                up = upstreams.get(0);
                app = apps.get(0);
                feed(up, H2Peer.concat(app.settings(new Http2Settings().initialWindowSize(0)), app.settingsAck()));
            }
            for (int sent = 0; sent < MESSAGE; sent += FRAME) {
                feed(down, H2Peer.data(id, new byte[FRAME], sent + FRAME == MESSAGE));
            }
        }
        List<H2Peer.Frame> before = ofType(app.read(up), "DATA");
        assertTrue(before.isEmpty(), "nothing may leave while the app's windows are shut: " + before.size());

        feed(up, H2Peer.concat(app.windowUpdate(0, 16 << 20),
                app.settings(new Http2Settings().initialWindowSize(1 << 20))));
        return ofType(app.read(up), "DATA");
    }
}
