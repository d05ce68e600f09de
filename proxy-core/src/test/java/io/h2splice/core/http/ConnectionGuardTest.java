package io.h2splice.core.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionGuardTest {

    @Test
    void idleConnectionIsClosed() {
        EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.api(new FakeStatus()));
        RawHttp.one(ch, RawHttp.get("/v1.0/healthz"));
        ch.advanceTimeBy(HttpEndpoints.IDLE_SECONDS - 1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void exceptionClosesTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(HttpEndpoints.metrics(new io.h2splice.core.metrics.ProxyMetrics(),
                new FakeStatus()));
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void clientFaultsAreTold() {
        assertTrue(ConnectionGuard.isClientFault(new IOException("reset")));
        assertTrue(ConnectionGuard.isClientFault(new DecoderException("bad")));
        assertFalse(ConnectionGuard.isClientFault(new NullPointerException()));
    }
}
