package io.h2splice.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Echo's server stream: the RepeatRequest encoding, and count copies of the data over a real connection. */
class RepeatTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void requestIsProtobufBytesThenUint32() throws IOException {
        // protoc: RepeatRequest{data: "ab", count: 3}, then count 300 (a two-byte varint)
        assertArrayEquals(hex("0a 02 61 62 10 03"),
                Echo.REPEAT.streamRequest(new RepeatRequest(new byte[] {'a', 'b'}, 3)).readAllBytes());
        assertArrayEquals(hex("10 ac 02"), Echo.REPEAT.streamRequest(new RepeatRequest(new byte[0], 300))
                .readAllBytes());
        assertArrayEquals(new byte[0], Echo.REPEAT.streamRequest(new RepeatRequest(new byte[0], 0)).readAllBytes());
        assertArrayEquals(hex("0a 01 7a 10 02 18 e8 07"),
                Echo.REPEAT.streamRequest(new RepeatRequest(new byte[] {'z'}, 2, 1000)).readAllBytes());
        RepeatRequest back = Echo.REPEAT.parseRequest(new ByteArrayInputStream(hex("20 07 18 05 10 ac 02 0a 01 7a")));
        assertEquals(300, back.count());
        assertEquals(5, back.intervalMs());
        assertArrayEquals(new byte[] {'z'}, back.data(), "unknown field 4 skipped");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> Echo.REPEAT.parseRequest(new ByteArrayInputStream(hex("10"))));
        assertEquals(io.grpc.Status.Code.INTERNAL, e.getStatus().getCode());
        assertEquals("h2splice.bench.Echo/Repeat", Echo.REPEAT.getFullMethodName());
    }

    @Test
    void answersCountCopiesThenOk() throws IOException, InterruptedException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(Echo.service()).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .build();
        try {
            byte[] data = new byte[40_000];  // 25 copies are more than one stream window: sent as the client reads
            data[7] = 7;
            Iterator<byte[]> answers = ClientCalls.blockingServerStreamingCall(channel, Echo.REPEAT,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new RepeatRequest(data, 25));
            List<byte[]> got = new ArrayList<>();
            answers.forEachRemaining(got::add);
            assertEquals(25, got.size());
            for (byte[] g : got) {
                assertArrayEquals(data, g);
            }
            Iterator<byte[]> none = ClientCalls.blockingServerStreamingCall(channel, Echo.REPEAT,
                    io.grpc.CallOptions.DEFAULT, new RepeatRequest(data, 0));
            assertEquals(false, none.hasNext());
            long start = System.nanoTime();
            List<byte[]> paced = new ArrayList<>();
            ClientCalls.blockingServerStreamingCall(channel, Echo.REPEAT, io.grpc.CallOptions.DEFAULT,
                    new RepeatRequest(new byte[] {1, 2}, 5, 20)).forEachRemaining(paced::add);
            assertEquals(5, paced.size());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(75), "4 intervals of 20 ms");
            StatusRuntimeException expired = assertThrows(StatusRuntimeException.class, () -> ClientCalls
                    .blockingServerStreamingCall(channel, Echo.REPEAT,
                            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(50, TimeUnit.MILLISECONDS),
                            new RepeatRequest(new byte[] {1}, 100, 10)).forEachRemaining(m -> { }));
            assertEquals(io.grpc.Status.Code.DEADLINE_EXCEEDED, expired.getStatus().getCode());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
