package io.h2splice.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * {@code message RepeatRequest { bytes data = 1; uint32 count = 2; uint32 interval_ms = 3; }}: what
 * {@link Echo#REPEAT} answers with {@code count} times, as fast as the client reads, or one message every
 * {@code intervalMs} milliseconds when that is not 0 (a stream the server paces, as a subscription's). Unknown fields
 * are skipped when reading, as generated code does.
 */
public record RepeatRequest(byte[] data, int count, int intervalMs) {

    public RepeatRequest {
        Objects.requireNonNull(data, "data");
        if (count < 0 || intervalMs < 0) {
            throw new IllegalArgumentException("count and interval must be >= 0, got " + count + ", " + intervalMs);
        }
    }

    /** As fast as the client reads. */
    public RepeatRequest(byte[] data, int count) {
        this(data, count, 0);
    }

    /** The protobuf encoding: field 1 as {@link Echo.PayloadMarshaller} writes it, then field 2 when not zero. */
    static byte[] encode(RepeatRequest r) {
        byte[] data = Echo.PayloadMarshaller.encode(r.data);
        byte[] tail = new byte[22];
        int pos = varintField(tail, 0, 0x10, r.count);  // field 2, varint
        pos = varintField(tail, pos, 0x18, r.intervalMs);  // field 3, varint
        byte[] out = new byte[data.length + pos];
        System.arraycopy(data, 0, out, 0, data.length);
        System.arraycopy(tail, 0, out, data.length, pos);
        return out;
    }

    /** Writes a varint field at {@code pos} unless its value is 0 (proto3 writes nothing then); returns the end. */
    private static int varintField(byte[] out, int pos, int tag, int value) {
        if (value == 0) {
            return pos;
        }
        out[pos++] = (byte) tag;
        long n = Integer.toUnsignedLong(value);
        while ((n & ~0x7FL) != 0) {
            out[pos++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out[pos++] = (byte) n;
        return pos;
    }

    /** @throws IllegalArgumentException when the bytes are not a protobuf message */
    static RepeatRequest decode(byte[] bytes) {
        byte[] data = new byte[0];
        long count = 0;
        long interval = 0;
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
                    } else if (field == 3) {
                        interval = v;
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
        if (count > Integer.MAX_VALUE || interval > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count or interval too large: " + count + ", " + interval);
        }
        return new RepeatRequest(data, (int) count, (int) interval);
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
