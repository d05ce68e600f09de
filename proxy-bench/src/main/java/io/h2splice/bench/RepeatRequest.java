package io.h2splice.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * {@code message RepeatRequest { bytes data = 1; uint32 count = 2; }}: what {@link Echo#REPEAT} answers with
 * {@code count} times. Unknown fields are skipped when reading, as generated code does.
 */
public record RepeatRequest(byte[] data, int count) {

    public RepeatRequest {
        Objects.requireNonNull(data, "data");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
    }

    /** The protobuf encoding: field 1 as {@link Echo.PayloadMarshaller} writes it, then field 2 when not zero. */
    static byte[] encode(RepeatRequest r) {
        byte[] data = Echo.PayloadMarshaller.encode(r.data);
        if (r.count == 0) {
            return data;  // proto3 writes nothing for a zero uint32
        }
        byte[] count = new byte[11];
        count[0] = 0x10;  // field 2, varint
        int pos = 1;
        long n = Integer.toUnsignedLong(r.count);
        while ((n & ~0x7FL) != 0) {
            count[pos++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        count[pos++] = (byte) n;
        byte[] out = new byte[data.length + pos];
        System.arraycopy(data, 0, out, 0, data.length);
        System.arraycopy(count, 0, out, data.length, pos);
        return out;
    }

    /** @throws IllegalArgumentException when the bytes are not a protobuf message */
    static RepeatRequest decode(byte[] bytes) {
        byte[] data = new byte[0];
        long count = 0;
        int[] pos = {0};
        while (pos[0] < bytes.length) {
            long tag = Echo.PayloadMarshaller.varint(bytes, pos);
            int wireType = (int) (tag & 7);
            long field = tag >>> 3;
            if (field == 0) {
                throw new IllegalArgumentException("field number 0");
            }
            switch (wireType) {
                case 0 -> {
                    long v = Echo.PayloadMarshaller.varint(bytes, pos);
                    if (field == 2) {
                        count = v;
                    }
                }
                case 1 -> Echo.PayloadMarshaller.skip(bytes, pos, 8);
                case 2 -> {
                    int length = Echo.PayloadMarshaller.length(bytes, pos);
                    if (field == 1) {
                        data = new byte[length];
                        System.arraycopy(bytes, pos[0], data, 0, length);
                    }
                    pos[0] += length;
                }
                case 5 -> Echo.PayloadMarshaller.skip(bytes, pos, 4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count too large: " + count);
        }
        return new RepeatRequest(data, (int) count);
    }

    /** The gRPC marshaller; a message that does not parse is INTERNAL, as generated code reports it. */
    static final class Marshaller implements MethodDescriptor.Marshaller<RepeatRequest> {

        @Override
        public InputStream stream(RepeatRequest value) {
            return new ByteArrayInputStream(encode(value));
        }

        @Override
        public RepeatRequest parse(InputStream stream) {
            try {
                return decode(stream.readAllBytes());
            } catch (IOException | IllegalArgumentException e) {
                throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e)
                        .asRuntimeException();
            }
        }
    }
}
