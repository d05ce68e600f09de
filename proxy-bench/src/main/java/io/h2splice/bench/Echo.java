package io.h2splice.bench;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The benchmark's echo service, written without protoc. Wire-compatible with this {@code .proto}, so an echo app in
 * any language can stand behind {@code --target}:
 *
 * <pre>
 * syntax = "proto3";
 * package h2splice.bench;
 * message Payload { bytes data = 1; }
 * service Echo {
 *   rpc Unary (Payload) returns (Payload);                // answers with the request
 *   rpc Stream (stream Payload) returns (stream Payload); // answers each message with itself, in order
 *   rpc Repeat (RepeatRequest) returns (stream Payload);  // answers count messages, each the request's data
 * }
 * message RepeatRequest { bytes data = 1; uint32 count = 2; uint32 interval_ms = 3; }
 * </pre>
 *
 * In Java a message is its {@code data} bytes: the marshaller adds and strips the protobuf framing (tag {@code 0x0A},
 * varint length), and skips other fields when reading, as generated code does.
 */
public final class Echo {

    public static final String SERVICE_NAME = "h2splice.bench.Echo";

    private static final MethodDescriptor.Marshaller<byte[]> PAYLOAD = new PayloadMarshaller();

    /** {@code rpc Unary (Payload) returns (Payload)}. */
    public static final MethodDescriptor<byte[], byte[]> UNARY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Unary"))
            .setRequestMarshaller(PAYLOAD)
            .setResponseMarshaller(PAYLOAD)
            .build();

    /** {@code rpc Stream (stream Payload) returns (stream Payload)}. */
    public static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Stream"))
            .setRequestMarshaller(PAYLOAD)
            .setResponseMarshaller(PAYLOAD)
            .build();

    /**
     * {@code rpc Repeat (RepeatRequest) returns (stream Payload)}: a server stream. Without an interval the app sends
     * only while gRPC says the stream is ready, so a client that reads slowly holds the messages back through every
     * hop's flow control instead of in the app's memory; with one, it sends a message every {@code interval_ms} (a
     * stream the server paces), from one timer thread shared by all such streams.
     */
    public static final MethodDescriptor<RepeatRequest, byte[]> REPEAT =
            MethodDescriptor.<RepeatRequest, byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Repeat"))
                    .setRequestMarshaller(new RepeatRequest.Marshaller())
                    .setResponseMarshaller(PAYLOAD)
                    .build();

    private Echo() {
    }

    /** The service: Unary and Stream answer with what they received, Repeat with count copies of it. */
    public static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE_NAME)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncBidiStreamingCall(Echo::echoEach))
                .addMethod(REPEAT, ServerCalls.asyncServerStreamingCall(Echo::repeat))
                .build();
    }

    private static void repeat(RepeatRequest request, StreamObserver<byte[]> response) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
        if (request.intervalMs() > 0) {
            Paced.start(request, out);
            return;
        }
        // every callback runs on the call's serializing executor, so the counter needs no lock
        int[] sent = {0};
        boolean[] over = {false};
        Runnable drain = () -> {
            while (!over[0] && sent[0] < request.count() && out.isReady()) {
                out.onNext(request.data());
                sent[0]++;
            }
            if (!over[0] && sent[0] == request.count()) {
                over[0] = true;
                out.onCompleted();
            }
        };
        out.setOnCancelHandler(() -> over[0] = true);
        out.setOnReadyHandler(drain);
        drain.run();
    }

    private static StreamObserver<byte[]> echoEach(StreamObserver<byte[]> response) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] message) {
                response.onNext(message);
            }

            @Override
            public void onError(Throwable t) {
                // the client cancelled or the connection broke: nothing left to answer
            }

            @Override
            public void onCompleted() {
                response.onCompleted();
            }
        };
    }

    /** {@code Payload { bytes data = 1; }} as the bytes of {@code data}. */
    static final class PayloadMarshaller implements MethodDescriptor.Marshaller<byte[]> {

        @Override
        public InputStream stream(byte[] data) {
            return new ByteArrayInputStream(encode(data));
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return decode(stream.readAllBytes());
            } catch (IOException | IllegalArgumentException e) {
                throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e)
                        .asRuntimeException();
            }
        }

        static byte[] encode(byte[] data) {
            if (data.length == 0) {
                return data;  // proto3 writes nothing for an empty bytes field
            }
            int n = data.length;
            int varintLength = 1;
            for (int v = n >>> 7; v != 0; v >>>= 7) {
                varintLength++;
            }
            byte[] out = new byte[1 + varintLength + n];
            out[0] = 0x0A;
            int pos = 1;
            while ((n & ~0x7F) != 0) {
                out[pos++] = (byte) ((n & 0x7F) | 0x80);
                n >>>= 7;
            }
            out[pos++] = (byte) n;
            System.arraycopy(data, 0, out, pos, data.length);
            return out;
        }

        static byte[] decode(byte[] bytes) {
            byte[] data = new byte[0];
            int[] pos = {0};
            while (pos[0] < bytes.length) {
                long tag = varint(bytes, pos);
                int wireType = (int) (tag & 7);
                if (tag >>> 3 == 0) {
                    throw new IllegalArgumentException("field number 0");
                }
                switch (wireType) {
                    case 0 -> varint(bytes, pos);
                    case 1 -> skip(bytes, pos, 8);
                    case 2 -> {
                        int length = length(bytes, pos);
                        if (tag >>> 3 == 1) {
                            data = new byte[length];
                            System.arraycopy(bytes, pos[0], data, 0, length);
                        }
                        pos[0] += length;
                    }
                    case 5 -> skip(bytes, pos, 4);
                    default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
                }
            }
            return data;
        }

        static int length(byte[] bytes, int[] pos) {
            long n = varint(bytes, pos);
            if (n < 0 || n > bytes.length - pos[0]) {
                throw new IllegalArgumentException("truncated: length " + n);
            }
            return (int) n;
        }

        static void skip(byte[] bytes, int[] pos, int n) {
            if (n > bytes.length - pos[0]) {
                throw new IllegalArgumentException("truncated field");
            }
            pos[0] += n;
        }

        static long varint(byte[] bytes, int[] pos) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos[0] >= bytes.length) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[pos[0]++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }
    }
}
