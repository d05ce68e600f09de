package io.h2splice.bench.examples;

import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Marshals a message whose only field is {@code string <name> = 1}, in the protobuf wire format, without protoc:
 * wire-compatible with {@code HelloRequest} / {@code HelloReply} of any language's helloworld example.
 *
 * <p>Encoding, as protobuf does for proto3: nothing for the empty string, else tag {@code 0x0A} (field 1, wire type
 * 2), the UTF-8 length as a varint, the UTF-8 bytes. Decoding reads the whole message: field 1 with wire type 2 sets
 * the value (the last one wins); every other field, including field 1 with another wire type, is skipped by its
 * wire type (varint, fixed64, length-delimited, group, fixed32), as generated code does with unknown fields.
 * Truncated input, a bad tag or wire type, an over-long varint and invalid UTF-8 in field 1 are errors:
 * {@code INTERNAL "Invalid protobuf byte sequence"}, as grpc-java's protobuf marshaller reports them.
 */
final class StringFieldMarshaller<T> implements MethodDescriptor.Marshaller<T> {

    private static final int TAG_FIELD_1 = 0x0A;
    private static final int MAX_GROUP_DEPTH = 100;  // protobuf's default recursion limit

    private final Function<T, String> get;
    private final Function<String, T> create;

    StringFieldMarshaller(Function<T, String> get, Function<String, T> create) {
        this.get = get;
        this.create = create;
    }

    @Override
    public InputStream stream(T value) {
        return new ByteArrayInputStream(encode(get.apply(value)));
    }

    @Override
    public T parse(InputStream stream) {
        byte[] bytes;
        try {
            bytes = stream.readAllBytes();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("Failed to read message").withCause(e).asRuntimeException();
        }
        try {
            return create.apply(decode(bytes));
        } catch (IllegalArgumentException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        }
    }

    static byte[] encode(String value) {
        if (value.isEmpty()) {
            return new byte[0];
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 6);
        out.write(TAG_FIELD_1);
        for (int n = utf8.length; ; n >>>= 7) {
            if ((n & ~0x7F) == 0) {
                out.write(n);
                break;
            }
            out.write((n & 0x7F) | 0x80);
        }
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException when {@code bytes} is not a valid protobuf message */
    static String decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        String value = "";
        while (r.pos < bytes.length) {
            int tag = r.tag();
            if (tag == TAG_FIELD_1) {
                int length = r.length();
                value = utf8(bytes, r.pos, length);
                r.pos += length;
            } else {
                r.skipField(tag, 0);
            }
        }
        return value;
    }

    private static String utf8(byte[] bytes, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("field 1 is not valid UTF-8", e);
        }
    }

    /** A cursor over one message. */
    private static final class Reader {
        private final byte[] bytes;
        int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= bytes.length) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[pos++];
                result |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        int tag() {
            long tag = varint();
            if (tag >>> 3 == 0 || tag > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("invalid tag " + tag);
            }
            return (int) tag;
        }

        /** Reads a length prefix and checks that many bytes follow; the caller advances {@link #pos}. */
        int length() {
            long n = varint();
            if (n < 0 || n > Integer.MAX_VALUE) {  // negative as protobuf's int32 length
                throw new IllegalArgumentException("negative length");
            }
            if (n > bytes.length - pos) {
                throw new IllegalArgumentException("truncated: length " + n + " with " + (bytes.length - pos) + " left");
            }
            return (int) n;
        }

        void skip(int n) {
            if (n > bytes.length - pos) {
                throw new IllegalArgumentException("truncated field");
            }
            pos += n;
        }

        void skipField(int tag, int depth) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> skip(8);
                case 2 -> skip(length());
                case 3 -> skipGroup(tag >>> 3, depth + 1);
                case 4 -> throw new IllegalArgumentException("end-group tag without a start");
                case 5 -> skip(4);
                default -> throw new IllegalArgumentException("invalid wire type " + (tag & 7));
            }
        }

        private void skipGroup(int field, int depth) {
            if (depth > MAX_GROUP_DEPTH) {
                throw new IllegalArgumentException("groups nested too deep");
            }
            while (true) {
                if (pos >= bytes.length) {
                    throw new IllegalArgumentException("truncated group");
                }
                int tag = tag();
                if ((tag & 7) == 4) {
                    if (tag >>> 3 != field) {
                        throw new IllegalArgumentException("mismatched end-group tag");
                    }
                    return;
                }
                skipField(tag, depth);
            }
        }
    }
}
