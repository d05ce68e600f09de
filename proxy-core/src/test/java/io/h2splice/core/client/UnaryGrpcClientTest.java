package io.h2splice.core.client;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.h2splice.core.testing.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy's own unary gRPC client against grpc-java's server: answers, statuses, and the failures it reports. */
@Timeout(30)
class UnaryGrpcClientTest {

    private static final String SERVICE = "h2splice.test.Unary";
    private Server server;
    private UnaryGrpcClient client;

    @BeforeEach
    void start() throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(TestService.method(SERVICE + "/Echo", io.grpc.MethodDescriptor.MethodType.UNARY),
                        ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> out) -> {
                            out.onNext(req);
                            out.onCompleted();
                        }))
                .addMethod(TestService.method(SERVICE + "/Fail", io.grpc.MethodDescriptor.MethodType.UNARY),
                        ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> out) ->
                                out.onError(Status.NOT_FOUND.withDescription("nö: 100% gone").asRuntimeException())))
                .addMethod(TestService.method(SERVICE + "/Huge", io.grpc.MethodDescriptor.MethodType.UNARY),
                        ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> out) -> {
                            out.onNext(new byte[UnaryGrpcClient.MAX_RESPONSE_BYTES]);
                            out.onCompleted();
                        }))
                .addMethod(TestService.method(SERVICE + "/Hang", io.grpc.MethodDescriptor.MethodType.UNARY),
                        ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> out) -> {
                        }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build()
                .start();
        client = new UnaryGrpcClient("unary-test", "127.0.0.1", server.getPort(), null, 2_000, "unary-test");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aReplyCarriesTheStatusAndTheMessageWithoutItsPrefix() throws Exception {
        byte[] request = "ping".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) { // the connection is reused
            UnaryReply reply = client.call("/" + SERVICE + "/Echo", request, TimeUnit.SECONDS.toNanos(5)).get();
            assertTrue(reply.ok(), reply::toString);
            assertArrayEquals(request, reply.body());
        }
    }

    @Test
    void anErrorStatusIsAReplyWithItsDecodedMessage() throws Exception {
        UnaryReply reply = client.call("/" + SERVICE + "/Fail", new byte[0], TimeUnit.SECONDS.toNanos(5)).get();
        assertEquals(5, reply.status());
        assertEquals("nö: 100% gone", reply.message());
        assertEquals(0, reply.body().length);
        assertEquals(12, client.call("/" + SERVICE + "/Nope", new byte[0], TimeUnit.SECONDS.toNanos(5)).get().status());
    }

    /** A server answering more than the limit fails the call; the connection keeps serving the next one. */
    @Test
    void aResponseOverTheLimitIsAnErrorNotAFullHeap() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.call("/" + SERVICE + "/Huge", new byte[0], TimeUnit.SECONDS.toNanos(10)).get());
        assertEquals("the response is larger than " + UnaryGrpcClient.MAX_RESPONSE_BYTES + " bytes",
                e.getCause().getMessage());
        assertTrue(client.call("/" + SERVICE + "/Echo", new byte[] {1}, TimeUnit.SECONDS.toNanos(5)).get().ok());
    }

    @Test
    void noAnswerWithinTheTimeoutIsAnError() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.call("/" + SERVICE + "/Hang", new byte[0], TimeUnit.MILLISECONDS.toNanos(300)).get());
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals("no answer within 300 ms", e.getCause().getMessage());
    }

    @Test
    void nobodyListeningIsAnErrorAndAClosedClientRefusesCalls() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (UnaryGrpcClient nobody = new UnaryGrpcClient("unary-test", "127.0.0.1", port, null, 2_000, "t")) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> nobody.call("/x/y", new byte[0], TimeUnit.SECONDS.toNanos(5)).get());
            assertTrue(e.getCause().getMessage().contains("Connection refused"), e.getCause().toString());
        }
        client.close();
        assertThrows(ExecutionException.class,
                () -> client.call("/" + SERVICE + "/Echo", new byte[0], TimeUnit.SECONDS.toNanos(5)).get());
    }
}
