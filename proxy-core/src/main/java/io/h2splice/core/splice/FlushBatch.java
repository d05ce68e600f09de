package io.h2splice.core.splice;

import io.netty.channel.EventLoop;

import java.util.ArrayList;

/**
 * Write coalescing across connections: a splice that writes to the other connection marks it dirty, and every dirty
 * connection of the loop is flushed once, in a task that runs after the loop has processed the current batch of
 * reads. One flush per read batch, not per frame.
 *
 * <p>Threading: one per event loop, confined to it.
 */
final class FlushBatch implements Runnable {

    private final EventLoop loop;
    private final ArrayList<SpliceHandler> dirty = new ArrayList<>(16);
    private boolean scheduled;

    FlushBatch(EventLoop loop) {
        this.loop = loop;
    }

    void add(SpliceHandler handler) {
        dirty.add(handler);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    /**
     * Flushes every dirty connection. {@code scheduled} stays set until the pass ends, so a connection marked dirty
     * by a flush (listeners run inline) is appended and flushed in this pass rather than scheduling a second pass: on
     * an event loop that runs tasks inside a write (an {@code EmbeddedChannel} does), a second pass would run nested
     * in this one, clear the list under it and leave a connection marked dirty with no entry, never flushed again.
     */
    @Override
    public void run() {
        try {
            for (int i = 0; i < dirty.size(); i++) {
                dirty.get(i).flushNow();
            }
        } finally {
            dirty.clear();
            scheduled = false;
        }
    }
}
