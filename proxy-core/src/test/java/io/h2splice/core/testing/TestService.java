package io.h2splice.core.testing;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The methods of the test app, without protoc: every message is a plain {@code byte[]}.
 *
 * <ul>
 *   <li>{@link #ECHO} unary: replies with the request; metadata {@code x-compress-response: gzip} compresses the reply.</li>
 *   <li>{@link #SUM} client-streaming: replies with the total number of request bytes ({@link #longBytes}).</li>
 *   <li>{@link #FETCH} server-streaming: request {@link #fetchRequest(int, int)}; replies with {@code count} messages of
 *       {@code size} bytes, message {@code i} filled with {@code (byte) i}.</li>
 *   <li>{@link #CHAT} bidi: echoes every message as it arrives; completes when the client half-closes.</li>
 *   <li>{@link #SCRIPTED} unary: the request is the key of a {@link Script} registered on the app.</li>
 *   <li>{@link #FLAKY} unary (or {@link #FLAKY_STREAMING}, the same method as client-streaming): fails on purpose, attempt
 *       by attempt, as the app's {@link Faults} plan for the call's {@code x-test-id} says; echoes the request bytes
 *       (all messages concatenated) otherwise.</li>
 *   <li>{@link #HANG} unary: never answers; the app records when it sees the call cancelled.</li>
 *   <li>{@link #SEND_THEN_HOLD} server-streaming: request {@link #intBytes(int) n}; sends n small messages, then keeps
 *       the stream open (for killing the app mid-stream).</li>
 *   <li>{@link #SLOW_SINK} client-streaming with manual flow control: reads one message at a time at the rate (bytes/s)
 *       in metadata {@code x-rate-bytes-per-second}, after not reading at all for {@code x-stall-millis}; each message starts with its sequence number (4 bytes); replies
 *       with total bytes and message count (two longs), or DATA_LOSS when a message is out of order.</li>
 *   <li>{@link #REFLECTION_V1}, {@link #REFLECTION_V1ALPHA}: bidi echo under the gRPC reflection service names.</li>
 * </ul>
 */
public final class TestService {

    public static final String SERVICE = "h2splice.test.TestService";

    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new BytesMarshaller();

    public static final MethodDescriptor<byte[], byte[]> ECHO = method(SERVICE + "/Echo", MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> SUM = method(SERVICE + "/Sum", MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> FETCH = method(SERVICE + "/Fetch", MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> CHAT = method(SERVICE + "/Chat", MethodType.BIDI_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> SCRIPTED = method(SERVICE + "/Scripted", MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> FLAKY = method(SERVICE + "/Flaky", MethodType.UNARY);
    /** {@link #FLAKY} called with several request messages. */
    public static final MethodDescriptor<byte[], byte[]> FLAKY_STREAMING =
            method(SERVICE + "/Flaky", MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> HANG = method(SERVICE + "/Hang", MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> SEND_THEN_HOLD =
            method(SERVICE + "/SendThenHold", MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> SLOW_SINK =
            method(SERVICE + "/SlowSink", MethodType.CLIENT_STREAMING);

    public static final MethodDescriptor<byte[], byte[]> REFLECTION_V1 =
            method("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", MethodType.BIDI_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> REFLECTION_V1ALPHA =
            method("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", MethodType.BIDI_STREAMING);

    private TestService() {
    }

    public static MethodDescriptor<byte[], byte[]> method(String fullName, MethodType type) {
        return MethodDescriptor.newBuilder(BYTES, BYTES).setFullMethodName(fullName).setType(type).build();
    }

    public static byte[] fetchRequest(int count, int size) {
        return ByteBuffer.allocate(8).putInt(count).putInt(size).array();
    }

    public static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    public static long readLong(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).getLong();
    }

    /** Reads a message into an exactly sized array (grpc-java's message streams know their length). */
    static byte[] readFully(InputStream stream) {
        try {
            if (stream instanceof KnownLength) {
                byte[] out = new byte[stream.available()];
                int n = stream.readNBytes(out, 0, out.length);
                if (n == out.length && stream.read() < 0) {
                    return out;
                }
                throw new IllegalStateException("message stream shorter or longer than its known length");
            }
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return readFully(stream);
        }
    }
}
