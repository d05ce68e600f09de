package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.config.Limits;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.bin;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static io.h2splice.core.testing.Payloads.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * COMPAT.md "Limits": {@code --max-body-size} is enforced per message on both sidecars (RESOURCE_EXHAUSTED
 * {@code grpc: received message larger than max (N vs. M)}), never per stream; metadata up to Dapr's 4 MiB header
 * list passes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LimitsE2eTest {

    private static final int MAX_BODY = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Limits LIMITS = Limits.defaults().withMaxBodySize(MAX_BODY);

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder()
            .configureA(c -> c.withLimits(LIMITS))
            .configureB(c -> c.withLimits(LIMITS)));

    private static String tooLarge(int size) {
        return "grpc: received message larger than max (" + size + " vs. " + MAX_BODY + ")";
    }

    @Test
    void requestMessageAtTheLimitPasses() {
        byte[] m = random(MAX_BODY, 1);
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.ECHO, routedTo("server"), m);
        assertSameBytes("echo of a message exactly at --max-body-size", m, r.single());
    }

    @Test
    void requestMessageOverTheLimitIsResourceExhausted() {
        int size = 2 * MAX_BODY;
        Metadata md = routedTo("server");
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.ECHO, CallOptions.DEFAULT, md);
        call.send(random(size, 2)).halfClose();
        CallResult r = call.await(WAIT);
        GrpcCalls.assertStatus(Status.Code.RESOURCE_EXHAUSTED, tooLarge(size), r);
    }

    @Test
    void responseMessageOverTheLimitIsResourceExhausted() {
        int size = MAX_BODY + 1;
        RecordingCall call = GrpcCalls.start(NET.get().channel(), TestService.FETCH, CallOptions.DEFAULT,
                routedTo("server"));
        call.send(TestService.fetchRequest(1, size)).halfClose();
        CallResult r = call.await(WAIT);
        GrpcCalls.assertStatus(Status.Code.RESOURCE_EXHAUSTED, tooLarge(size), r);
    }

    @Test
    void theLimitIsPerMessageNotPerStream() {
        // 40 messages of 512 KiB: 20 MiB on one stream, each message well under the limit.
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(random(MAX_BODY / 2, i));
        }
        CallResult sum = GrpcCalls.call(NET.get().channel(), TestService.SUM, CallOptions.DEFAULT, routedTo("server"),
                requests);
        assertEquals(40L * (MAX_BODY / 2), TestService.readLong(sum.single(), 0), "bytes summed by the app");

        CallResult fetched = GrpcCalls.call(NET.get().channel(), TestService.FETCH, CallOptions.DEFAULT, routedTo("server"),
                List.of(TestService.fetchRequest(40, MAX_BODY))).assertOk();
        assertEquals(40, fetched.messages().size(), "server-streamed messages exactly at the limit");
    }

    /**
     * About 1.2 MiB of metadata (some 80 HEADERS/CONTINUATION frames). Kept well under the 4 MiB limit because under
     * PARANOID leak detection Netty's HPACK Huffman encoder records every byte it writes: ~5 ms per KiB re-encoded.
     */
    @Test
    void overAMebibyteOfMetadataUnderTheHeaderListLimitPasses() {
        Metadata md = routedTo("server");
        md.put(bin("x-huge-bin"), random(640 * 1024, 9));       // ~853 KiB once base64-encoded
        md.put(ascii("x-huge-text"), "m".repeat(350 * 1024));
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}).assertOk();
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        MetadataE2eTest.assertMetadataPassedOn(md, rc.headers());
    }
}
