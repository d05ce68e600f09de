package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.h2splice.core.listen.Transport;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static io.h2splice.core.testing.Payloads.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each transport {@code -Dh2splice.transport} can name carries calls through two sidecars (every other e2e test runs
 * on the default, epoll), and a transport the kernel refuses falls back with the reason said.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportE2eTest {

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void callsAndStreamsPassOnEachTransport(String name) throws Exception {
        String before = System.getProperty(Transport.PROPERTY);
        System.setProperty(Transport.PROPERTY, name);
        try (TwoSidecars net = TwoSidecars.start()) {
            String expected = name.equals("io_uring") && !IoUring.isAvailable() ? "epoll" : name;
            assertEquals(expected, net.sidecarA().transportName(), "sidecar A's transport");
            assertEquals(expected, net.sidecarB().transportName(), "sidecar B's transport");

            byte[] request = random(200_000, 7);
            CallResult r = GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo("server"), request);
            assertSameBytes("a 200 KB unary echo", request, r.single());

            RecordingCall call = GrpcCalls.start(net.channel(), TestService.CHAT, CallOptions.DEFAULT,
                    routedTo("server"));
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] m = random(i * 397 % 40_000, 100 + i);
                sent.add(m);
                call.send(m);
            }
            call.halfClose();
            CallResult stream = call.await(Duration.ofSeconds(30)).assertOk();
            assertEquals(sent.size(), stream.messages().size(), "bidi replies");
            for (int i = 0; i < sent.size(); i++) {
                assertSameBytes("bidi reply " + i, sent.get(i), stream.messages().get(i));
            }
        } finally {
            if (before == null) {
                System.clearProperty(Transport.PROPERTY);
            } else {
                System.setProperty(Transport.PROPERTY, before);
            }
        }
    }

    @Test
    void eachNameIsPickedOrFallsBackWithItsReason() {
        String native1 = Epoll.isAvailable() ? "epoll" : "nio";
        assertEquals(native1, Transport.pick(null).name(), "the default");
        assertEquals(native1, Transport.pick(" ").name(), "blank is the default");
        assertEquals(native1, Transport.pick("EPOLL").name());
        assertEquals("nio", Transport.pick("nio").name());
        assertNull(Transport.pick("nio").fallback());
        for (String alias : new String[] {"io_uring", "io-uring", "iouring", "uring"}) {
            Transport t = Transport.pick(alias);
            if (IoUring.isAvailable()) {
                assertEquals("io_uring", t.name(), alias);
                assertNull(t.fallback(), alias);
            } else {
                assertEquals(native1, t.name(), alias);
                assertNotNull(t.fallback());
                assertTrue(t.fallback().startsWith("io_uring unavailable: "), t.fallback());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.pick("kqueue"));
        assertEquals("-Dh2splice.transport=kqueue: unknown transport; use io_uring, epoll or nio", e.getMessage());
    }
}
