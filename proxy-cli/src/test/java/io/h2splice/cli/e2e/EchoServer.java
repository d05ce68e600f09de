package io.h2splice.cli.e2e;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The app of the end-to-end test: a grpc-java server on {@code APP_PORT} with one unary method,
 * {@code h2splice.test.Echo/Say}, that answers {@code echo: <request> (app <APP_ID>)}. Started by {@code h2splice run}.
 * The request {@code dapr-api-token?} is answered with the {@code dapr-api-token} the call carried instead (or
 * {@code (none)}), and {@code env DAPR_API_TOKEN?} with whether the app's environment has that variable.
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

    private static final Metadata.Key<String> DAPR_API_TOKEN =
            Metadata.Key.of("dapr-api-token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("dapr-api-token");

    /** Bidi: echoes every message as it arrives; completes when the client half-closes. */
    static final MethodDescriptor<byte[], byte[]> CHAT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("h2splice.test.Echo/Chat")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    private EchoServer() {
    }

    /** One {@link #SAY} call to {@code 127.0.0.1:port} with {@code headers}; the reply as text (20 s deadline). */
    static String say(int port, Metadata headers, String text) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext().build();
        try {
            byte[] reply = ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
                            MetadataUtils.newAttachHeadersInterceptor(headers)), SAY,
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                    text.getBytes(StandardCharsets.UTF_8));
            return new String(reply, StandardCharsets.UTF_8);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("APP_PORT"));
        String appId = System.getenv("APP_ID");
        ServerServiceDefinition service = ServerServiceDefinition.builder("h2splice.test.Echo")
                .addMethod(SAY, ServerCalls.asyncUnaryCall((request, reply) -> {
                    String asked = new String(request, StandardCharsets.UTF_8);
                    String token = TOKEN.get();
                    String text = asked.equals("dapr-api-token?") ? (token == null ? "(none)" : token)
                            : asked.equals("env DAPR_API_TOKEN?") ? (System.getenv("DAPR_API_TOKEN") == null ? "unset"
                                    : "set")
                            : "echo: " + asked + " (app " + appId + ")";
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
                .addService(ServerInterceptors.intercept(service, new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                       ServerCallHandler<Q, R> next) {
                        Context c = Context.current().withValue(TOKEN, headers.get(DAPR_API_TOKEN));
                        return Contexts.interceptCall(c, call, headers, next);
                    }
                })).build().start();
        System.out.println("echo server listening on " + port + " as " + appId + ", DAPR_GRPC_PORT="
                + System.getenv("DAPR_GRPC_PORT") + ", APP_PROTOCOL=" + System.getenv("APP_PROTOCOL"));
        server.awaitTermination();
    }
}
