package io.h2splice.tls.sentry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The protobuf wire format as far as Sentry's two messages need it: varints and length-delimited fields. */
final class Protobuf {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private Protobuf() {
    }

    /** Writes fields in the order given; proto3 defaults (empty, zero) are left out, as protobuf does. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer string(int field, String value) {
            return value == null || value.isEmpty() ? this : bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(int field, byte[] value) {
            if (value == null || value.length == 0) {
                return this;
            }
            varint((long) field << 3 | LENGTH_DELIMITED);
            varint(value.length);
            out.writeBytes(value);
            return this;
        }

        Writer enumValue(int field, int value) {
            if (value == 0) {
                return this;
            }
            varint((long) field << 3 | VARINT);
            varint(value);
            return this;
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Reads one message's fields in order; {@link #skip} passes over the ones the caller does not want. */
    static final class Reader {
        private final byte[] in;
        private int pos;
        private int tag;

        Reader(byte[] in) {
            this.in = in;
        }

        /** Moves to the next field; false at the end of the message. */
        boolean next() throws IOException {
            if (pos >= in.length) {
                return false;
            }
            long t = varint();
            if (t >>> 3 == 0 || t >>> 3 > Integer.MAX_VALUE) {
                throw new IOException("malformed protobuf: field number " + (t >>> 3));
            }
            tag = (int) t;
            return true;
        }

        int field() {
            return tag >>> 3;
        }

        /** The current length-delimited field's bytes. */
        byte[] bytes() throws IOException {
            expect(LENGTH_DELIMITED);
            long n = varint();
            if (n < 0 || n > in.length - pos) {
                throw new IOException("malformed protobuf: field " + field() + " is longer than the message");
            }
            byte[] b = Arrays.copyOfRange(in, pos, pos + (int) n);
            pos += (int) n;
            return b;
        }

        /** The current varint field. */
        long varint64() throws IOException {
            expect(VARINT);
            return varint();
        }

        void skip() throws IOException {
            switch (tag & 7) {
                case VARINT -> varint();
                case FIXED64 -> advance(8);
                case LENGTH_DELIMITED -> bytes();
                case FIXED32 -> advance(4);
                default -> throw new IOException("malformed protobuf: wire type " + (tag & 7) + " of field "
                        + field());
            }
        }

        private void expect(int wireType) throws IOException {
            if ((tag & 7) != wireType) {
                throw new IOException("malformed protobuf: field " + field() + " has wire type " + (tag & 7)
                        + ", expected " + wireType);
            }
        }

        private void advance(int n) throws IOException {
            if (n > in.length - pos) {
                throw new IOException("malformed protobuf: truncated field " + field());
            }
            pos += n;
        }

        private long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= in.length) {
                    throw new IOException("malformed protobuf: truncated varint");
                }
                int b = in[pos++] & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("malformed protobuf: varint longer than 10 bytes");
        }
    }
}
