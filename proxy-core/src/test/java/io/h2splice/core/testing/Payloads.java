package io.h2splice.core.testing;

import java.util.Arrays;
import java.util.Random;

/** Deterministic payloads and byte-array comparisons whose failure says where the bytes differ. */
public final class Payloads {

    private Payloads() {
    }

    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** AssertionError with the lengths and the first differing offset when {@code actual} is not {@code expected}. */
    public static void assertSameBytes(String what, byte[] expected, byte[] actual) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        if (actual == null) {
            throw new AssertionError(what + ": expected " + expected.length + " bytes but got null");
        }
        int mismatch = Arrays.mismatch(expected, actual);
        throw new AssertionError(what + ": expected " + expected.length + " bytes, got " + actual.length
                + "; first difference at offset " + mismatch
                + (mismatch < Math.min(expected.length, actual.length)
                        ? " (expected 0x" + Integer.toHexString(expected[mismatch] & 0xff) + ", got 0x"
                                + Integer.toHexString(actual[mismatch] & 0xff) + ")"
                        : ""));
    }
}
