package io.h2splice.core.trace;

import org.jctools.queues.MpscArrayQueue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hand-off of ended spans from the event loops to the one exporter thread: a bounded lock-free queue (many
 * producers, one consumer). A full queue drops the span and counts it; an event loop never waits for the exporter.
 *
 * <p>Ownership: a {@link CallSpan} belongs to its event loop until {@link #offer} succeeds, then to the exporter
 * thread (the queue's release/acquire makes the loop's writes visible there).
 */
final class SpanQueue {

    static final int DEFAULT_CAPACITY = 2048;

    private final MpscArrayQueue<CallSpan> queue;
    private final int capacity;
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong exportFailures = new AtomicLong();

    SpanQueue(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, got " + capacity);
        }
        this.queue = new MpscArrayQueue<>(capacity);
        this.capacity = queue.capacity();
    }

    /** Any thread (an event loop): hands the span to the exporter, or drops and counts it when the queue is full. */
    void offer(CallSpan span) {
        if (!queue.offer(span)) {
            dropped.increment();
        }
    }

    // === the exporter thread only ===

    int size() {
        return queue.size();
    }

    int capacity() {
        return capacity;
    }

    /** Moves up to {@code max} spans into {@code into}; the single consumer only. */
    int drain(List<CallSpan> into, int max) {
        return queue.drain(into::add, max);
    }

    void exported(int spans) {
        exported.addAndGet(spans);
    }

    /** One export call failed or timed out: its spans are lost. */
    void exportFailed(int spans) {
        exportFailures.incrementAndGet();
        dropped.add(spans);
    }

    /** Spans lost after they were queued (or that could not be queued): to the shutdown path. */
    void droppedAtClose(int spans) {
        dropped.add(spans);
    }

    // === counters, for the metrics page ===

    long dropped() {
        return dropped.sum();
    }

    long exported() {
        return exported.get();
    }

    long exportFailures() {
        return exportFailures.get();
    }
}
