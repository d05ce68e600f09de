package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.MemorySampler;
import io.h2splice.core.testing.Payloads;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Backpressure from end to end: the client streams 1 GiB as fast as flow control lets it, the app reads slowly,
 * (first not at all for 2 s, then at 24 MiB/s), and the JVM's buffer memory (both sidecars, the client and the app share it) must stay far below the volume
 * streamed. A proxy that buffered instead of passing backpressure on would grow by hundreds of MiB or die of
 * OutOfMemoryError (-Xmx1g).
 *
 * <p>Tagged {@code slow} (about a minute): exclude with {@code -DexcludedGroups=slow}.
 */
@Tag("slow")
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowReaderE2eTest {

    private static final int MESSAGE_SIZE = 64 * 1024;
    private static final int MESSAGES = 16_384; // 1 GiB
    private static final long TOTAL = (long) MESSAGE_SIZE * MESSAGES;
    /** The app reads at most this fast. */
    private static final long APP_RATE = Long.getLong("h2splice.e2e.slowReaderRate", 24L << 20);
    /** Before reading anything the app stalls this long, so every window on the way fills up whatever the speed. */
    private static final long STALL_MILLIS = 2_000;
    /** Memory growth allowed for the whole JVM while streaming: a few HTTP/2 windows, not the message volume. */
    private static final long BOUND = 64L << 20;

    @Test
    void slowAppKeepsMemoryBoundedWhileOneGibibyteStreamsThrough() throws Exception {
        try (TwoSidecars net = TwoSidecars.start()) {
            GrpcCalls.unary(net.channel(), TestService.ECHO, routedTo("server"), new byte[] {1}).assertOk();

            Metadata md = routedTo("server");
            md.put(TestApp.RATE, Long.toString(APP_RATE));
            md.put(TestApp.STALL, Long.toString(STALL_MILLIS));
            Channel ch = ClientInterceptors.intercept(net.channel(), MetadataUtils.newAttachHeadersInterceptor(md));
            LazySender sender = new LazySender();
            long started;
            byte[] reply;
            try (MemorySampler memory = MemorySampler.start(50, 2_000)) {
                started = System.nanoTime();
                ClientCalls.asyncClientStreamingCall(
                        ch.newCall(TestService.SLOW_SINK, CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.SECONDS)),
                        sender);
                // While the app stalls, backpressure must reach the client: it can fill the windows on the way, no more.
                try {
                    sender.reply.get(STALL_MILLIS * 3 / 4, TimeUnit.MILLISECONDS);
                    throw new AssertionError("the call ended while the app was still stalling");
                } catch (TimeoutException expected) {
                    // the normal case: the app has not read anything yet
                } catch (ExecutionException e) {
                    throw new AssertionError("slow sink call failed while the app stalled: " + e.getCause(),
                            e.getCause());
                }
                long sentDuringStall = sender.sent.get() * MESSAGE_SIZE;
                if (sentDuringStall >= BOUND) {
                    throw new AssertionError("the client could send " + (sentDuringStall >> 20) + " MiB while the app "
                            + "read nothing: the sidecars buffer instead of passing backpressure on; "
                            + memory.report());
                }
                try {
                    reply = sender.reply.get(210, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("slow sink did not answer within 210 s; client sent " + sender.sent.get()
                            + " of " + MESSAGES + " messages; " + memory.report());
                } catch (ExecutionException e) {
                    throw new AssertionError("slow sink call failed after the client sent " + sender.sent.get()
                            + " of " + MESSAGES + " messages: " + e.getCause(), e.getCause());
                }
                memory.close();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                String report = memory.report();
                System.out.println("SlowReaderE2eTest: " + TOTAL + " bytes in " + seconds + " s at an app rate of "
                        + (APP_RATE >> 20) + " MiB/s; " + (sentDuringStall >> 10) + " KiB sent while the app stalled; "
                        + report);

                ByteBuffer r = ByteBuffer.wrap(reply);
                assertEquals(TOTAL, r.getLong(), "bytes the app received");
                assertEquals(MESSAGES, r.getLong(), "messages the app received");
                Map<String, String> over = memory.over(BOUND);
                if (!over.isEmpty()) {
                    throw new AssertionError("memory grew by " + (BOUND >> 20) + " MiB or more while streaming "
                            + (TOTAL >> 20) + " MiB to a slow reader: " + over + "\n" + report);
                }
            }
        }
    }

    /** Produces the messages lazily, only while the call is ready: one 64 KiB array reused for every message. */
    private static final class LazySender implements ClientResponseObserver<byte[], byte[]> {
        final CompletableFuture<byte[]> reply = new CompletableFuture<>();
        final AtomicLong sent = new AtomicLong();
        private final byte[] payload = Payloads.random(MESSAGE_SIZE, 1);
        private ClientCallStreamObserver<byte[]> requests;
        private boolean halfClosed;

        @Override
        public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(this::pump);
        }

        /** Runs on the call's executor, serialised with the other callbacks. */
        private void pump() {
            while (!halfClosed && requests.isReady() && sent.get() < MESSAGES) {
                ByteBuffer.wrap(payload).putInt((int) sent.get()); // sequence number; grpc copies on onNext
                requests.onNext(payload);
                sent.incrementAndGet();
            }
            if (!halfClosed && sent.get() == MESSAGES) {
                halfClosed = true;
                requests.onCompleted();
            }
        }

        @Override
        public void onNext(byte[] value) {
            reply.complete(value);
        }

        @Override
        public void onError(Throwable t) {
            reply.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            reply.completeExceptionally(new AssertionError("completed without a reply"));
        }
    }
}
