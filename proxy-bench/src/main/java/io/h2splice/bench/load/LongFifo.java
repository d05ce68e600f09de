package io.h2splice.bench.load;

import java.util.Arrays;
import java.util.NoSuchElementException;

/** A growable ring of {@code long}s (send times awaiting their echo). Not thread-safe. */
final class LongFifo {

    private long[] ring = new long[16];
    private int head;
    private int size;

    void add(long v) {
        if (size == ring.length) {
            long[] bigger = new long[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) & (ring.length - 1)] = v;
        size++;
    }

    long poll() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        long v = ring[head];
        head = (head + 1) & (ring.length - 1);
        size--;
        return v;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        head = 0;
        size = 0;
        Arrays.fill(ring, 0);
    }
}
