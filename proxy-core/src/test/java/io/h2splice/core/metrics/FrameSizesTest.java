package io.h2splice.core.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameSizesTest {

    @Test
    void eachSizeFallsInTheFirstBucketWhoseBoundHoldsIt() {
        for (long n = 0; n <= 300_000; n++) {
            int expected = 0;
            while (expected < FrameSizes.BOUNDS.length && n > FrameSizes.BOUNDS[expected]) {
                expected++;
            }
            assertEquals(expected, FrameSizes.bucket(n), "bucket of " + n);
        }
        assertEquals(FrameSizes.BOUNDS.length, FrameSizes.bucket(16L << 20), "a 16 MiB frame: the last bucket");
    }

    @Test
    void countsFramesAndBytes() {
        FrameSizes f = new FrameSizes();
        f.record(0);
        f.record(16_384);
        f.record(16_385);
        f.record(100_000);
        assertEquals(4, f.frames());
        assertEquals(132_769, f.bytes());
        assertEquals(1, f.frames(0));
        assertEquals(1, f.frames(5));
        assertEquals(1, f.frames(6));
        assertEquals(1, f.frames(7));
    }
}
