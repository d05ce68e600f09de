package io.h2splice.bench.soak;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes calls send: slices of one block of incompressible bytes, the same on every run. A call's slice starts at
 * its plan's offset (and, for the n-th message of a bidi stream, n bytes further), so an answer can be checked byte for
 * byte: one that belongs to another call of the same size does not match.
 */
final class Payloads {

    /** The block's size: room for a 1 MiB slice at any offset below 1 MiB. */
    static final int SIZE = 2 << 20;

    private static final byte[] BLOCK = block();

    private Payloads() {
    }

    private static byte[] block() {
        byte[] b = new byte[SIZE];
        SplittableRandom r = new SplittableRandom(0x50a4L);
        for (int i = 0; i < SIZE; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    /** A copy of {@code size} bytes from {@code offset}. */
    static byte[] slice(int offset, int size) {
        return Arrays.copyOfRange(BLOCK, offset, offset + size);
    }

    /** Whether {@code got} is exactly the slice of {@code size} bytes at {@code offset}. */
    static boolean matches(byte[] got, int offset, int size) {
        return got.length == size && Arrays.equals(got, 0, size, BLOCK, offset, offset + size);
    }
}
