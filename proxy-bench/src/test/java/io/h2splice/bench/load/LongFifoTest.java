package io.h2splice.bench.load;

import org.junit.jupiter.api.Test;

import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongFifoTest {

    @Test
    void keepsOrderWhileGrowingAcrossTheWrap() {
        LongFifo f = new LongFifo();
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < round + 3; i++) {
                f.add(next++);
            }
            for (int i = 0; i < round + 1; i++) {
                assertEquals(expected++, f.poll());
            }
        }
        while (!f.isEmpty()) {
            assertEquals(expected++, f.poll());
        }
        assertEquals(next, expected);
        assertThrows(NoSuchElementException.class, f::poll);
        f.add(7);
        f.clear();
        assertTrue(f.isEmpty());
    }
}
