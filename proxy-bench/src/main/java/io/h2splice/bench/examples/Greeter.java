package io.h2splice.bench.examples;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;

import java.util.function.Function;

/**
 * The {@code helloworld.Greeter} service of grpc-go's {@code examples/helloworld} (and of Dapr's "invoke with
 * gRPC" how-to), written without protoc: one unary method, {@code /helloworld.Greeter/SayHello}, with hand-written
 * protobuf marshallers, wire-compatible with the generated code of every language.
 */
public final class Greeter {

    public static final String SERVICE_NAME = "helloworld.Greeter";

    /** {@code rpc SayHello (HelloRequest) returns (HelloReply)}. */
    public static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO =
            MethodDescriptor.<HelloRequest, HelloReply>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "SayHello"))
                    .setRequestMarshaller(new StringFieldMarshaller<>(HelloRequest::name, HelloRequest::new))
                    .setResponseMarshaller(new StringFieldMarshaller<>(HelloReply::message, HelloReply::new))
                    .setSampledToLocalTracing(true)
                    .build();

    private Greeter() {
    }

    /** A service definition whose {@code SayHello} answers with {@code sayHello}; exceptions become gRPC errors. */
    public static ServerServiceDefinition service(Function<HelloRequest, HelloReply> sayHello) {
        return ServerServiceDefinition.builder(SERVICE_NAME)
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, responseObserver) -> {
                    HelloReply reply;
                    try {
                        reply = sayHello.apply(request);
                    } catch (RuntimeException e) {
                        responseObserver.onError(e);
                        return;
                    }
                    responseObserver.onNext(reply);
                    responseObserver.onCompleted();
                }))
                .build();
    }
}
