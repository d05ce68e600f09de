package io.h2splice.core.splice;

/**
 * A growable FIFO of ints: the byte counts of DATA frames handed to the other connection, in order, so that each
 * completed write returns exactly its bytes to the sender's flow-control window. HTTP/2 writes of one stream
 * complete in order, so a FIFO is enough. Allocates only when it grows.
 */
final class IntFifo {

    private static final int[] EMPTY = new int[0];

    private int[] items = EMPTY;
    private int head;
    private int size;

    void add(int v) {
        if (size == items.length) {
            int[] bigger = new int[Math.max(4, items.length << 1)];
            for (int i = 0; i < size; i++) {
                bigger[i] = items[(head + i) & (items.length - 1)];
            }
            items = bigger;
            head = 0;
        }
        items[(head + size) & (items.length - 1)] = v;
        size++;
    }

    /** @return the oldest value, or 0 when empty */
    int poll() {
        if (size == 0) {
            return 0;
        }
        int v = items[head];
        head = (head + 1) & (items.length - 1);
        size--;
        return v;
    }

    int size() {
        return size;
    }
}
