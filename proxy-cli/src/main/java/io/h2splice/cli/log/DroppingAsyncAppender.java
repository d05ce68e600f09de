package io.h2splice.cli.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} set up for a sidecar: a bounded queue a worker thread drains into the
 * {@link LineAppender}, so the thread that logs (an event loop) never does console I/O. When the queue is full, the
 * line is dropped and counted, never waited for: {@code neverBlock}, and a discarding threshold of one free slot that
 * applies to every level (logback's default would discard info lines once the queue is 80 % full). No caller data.
 *
 * <p>The count is a lower bound: a line that loses the race for the last free slot is dropped by {@code offer}
 * without passing through {@link #isDiscardable}.
 */
final class DroppingAsyncAppender extends AsyncAppender {

    /** How long stopping waits for the worker to write what is queued (output stuck: the rest is lost). */
    static final int MAX_FLUSH_MILLIS = 1000;

    private final LongAdder dropped = new LongAdder();

    DroppingAsyncAppender(int queueLines) {
        setName("h2splice-log");
        setQueueSize(queueLines);
        setNeverBlock(true);
        setDiscardingThreshold(1); // isDiscardable is asked only when fewer than 1 slot is free: a full queue
        setIncludeCallerData(false);
        setMaxFlushTime(MAX_FLUSH_MILLIS);
    }

    /** Called on the logging thread when the queue is full: drop, count, return at once. */
    @Override
    protected boolean isDiscardable(ILoggingEvent event) {
        dropped.increment();
        return true;
    }

    /** Lines dropped since start. */
    long dropped() {
        return dropped.sum();
    }
}
