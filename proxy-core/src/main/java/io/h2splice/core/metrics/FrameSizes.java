package io.h2splice.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Payload bytes per DATA frame written on one kind of connection, as a histogram of fixed power-of-4 buckets (at most
 * 16, 64, 256 B ... 64 KiB, more): how finely the sidecar cuts what it forwards (a 64 KiB message should leave in
 * 16 KiB frames, not in 1 KiB ones). Recorded on the event loop once per frame written: two {@link LongAdder}
 * increments, no allocation, no lock; read from the metrics thread.
 */
public final class FrameSizes {

    /** Upper bounds of the buckets in bytes; a last bucket holds everything larger. */
    public static final long[] BOUNDS = {16, 64, 256, 1024, 4096, 16_384, 65_536};

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder bytes = new LongAdder();

    FrameSizes() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** One DATA frame of {@code payloadBytes} (padding not counted) written. */
    public void record(int payloadBytes) {
        buckets[bucket(payloadBytes)].increment();
        bytes.add(payloadBytes);
    }

    /** The bucket of {@code n} bytes: the first bound at least {@code n}, or {@link #BOUNDS}.length. */
    public static int bucket(long n) {
        if (n <= BOUNDS[0]) {
            return 0;
        }
        int bits = 64 - Long.numberOfLeadingZeros(n - 1); // ceil(log2 n): n fits under 2^bits
        return Math.min((bits - 3) / 2, BOUNDS.length);     // bound i is 2^(4 + 2i)
    }

    /** Frames in bucket {@code i} alone (not cumulative), {@code i} up to {@link #BOUNDS}.length. */
    public long frames(int i) {
        return buckets[i].sum();
    }

    /** Frames written in all. */
    public long frames() {
        long n = 0;
        for (LongAdder b : buckets) {
            n += b.sum();
        }
        return n;
    }

    /** Payload bytes written in all. */
    public long bytes() {
        return bytes.sum();
    }
}
