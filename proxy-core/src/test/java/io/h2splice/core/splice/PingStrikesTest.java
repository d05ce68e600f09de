package io.h2splice.core.splice;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2FrameLogger.Direction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PingStrikesTest {

    private static final long MIN = 8_000_000_000L;

    @Test
    void thirdEarlyPingIsOneTooMany() {
        PingStrikes s = new PingStrikes(MIN);
        long t = 1;
        assertFalse(s.onPeerPing(t));            // first ping: nothing to compare with
        assertFalse(s.onPeerPing(t += 1000));    // strike 1
        assertFalse(s.onPeerPing(t += 1000));    // strike 2
        assertTrue(s.onPeerPing(t + 1000));      // strike 3 > MAX_STRIKES
    }

    @Test
    void spacedPingsNeverStrike() {
        PingStrikes s = new PingStrikes(MIN);
        for (int i = 1; i <= 10; i++) {
            assertFalse(s.onPeerPing(i * MIN));
        }
    }

    @Test
    void framesWeWriteResetTheStrikesAsGrpcGoDoes() {
        PingStrikes s = new PingStrikes(MIN);
        FrameWriteWatcher w = new FrameWriteWatcher(s, "test.frames");
        long t = 1;
        for (int i = 0; i < 100; i++) { // a busy download: a BDP ping after each burst of DATA we write
            w.logData(Direction.OUTBOUND, null, 1, Unpooled.EMPTY_BUFFER, 0, false);
            assertFalse(s.onPeerPing(t += 1000), "ping " + i + " after our DATA must not count");
        }
        w.logHeaders(Direction.INBOUND, null, 1, new DefaultHttp2Headers(), 0, false); // reads do not reset
        s.onPeerPing(t += 1000);
        s.onPeerPing(t += 1000);
        assertTrue(s.onPeerPing(t + 1000));
    }
}
