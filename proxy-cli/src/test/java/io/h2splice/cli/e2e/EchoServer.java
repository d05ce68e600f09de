package io.h2splice.cli.e2e;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The app of the end-to-end test: a grpc-java server on {@code APP_PORT} with one unary method,
 * {@code h2splice.test.Echo/Say}, that answers {@code echo: <request> (app <APP_ID>)}. Started by {@code h2splice run}.
 */
public final class EchoServer {

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> SAY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("h2splice.test.Echo/Say")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    /** Bidi: echoes every message as it arrives; completes when the client half-closes. */
    static final MethodDescriptor<byte[], byte[]> CHAT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("h2splice.test.Echo/Chat")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("APP_PORT"));
        String appId = System.getenv("APP_ID");
        ServerServiceDefinition service = ServerServiceDefinition.builder("h2splice.test.Echo")
                .addMethod(SAY, ServerCalls.asyncUnaryCall((request, reply) -> {
                    String text = "echo: " + new String(request, StandardCharsets.UTF_8) + " (app " + appId + ")";
                    reply.onNext(text.getBytes(StandardCharsets.UTF_8));
                    reply.onCompleted();
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(reply -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] value) {
                        reply.onNext(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        reply.onCompleted();
                    }
                }))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(service).build().start();
        System.out.println("echo server listening on " + port + " as " + appId + ", DAPR_GRPC_PORT="
                + System.getenv("DAPR_GRPC_PORT") + ", APP_PROTOCOL=" + System.getenv("APP_PROTOCOL"));
        server.awaitTermination();
    }
}
