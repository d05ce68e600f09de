package io.h2splice.core.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Unpooled buffers that are each remembered, so that a test (a fuzz run above all) can check, for one input and at
 * once, that every buffer a channel allocated was released: Netty's leak detector only reports a leak after a GC,
 * often while a later input runs. Buffers still go through the leak detector as well.
 *
 * <p>Threading: one thread (an {@code EmbeddedChannel}'s).
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();
    private long bytesAsked;

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        bytesAsked += initialCapacity;
        return track(toLeakAwareBuffer(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity)));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        bytesAsked += initialCapacity;
        return track(toLeakAwareBuffer(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity)));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(super.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return track(super.compositeDirectBuffer(maxNumComponents));
    }

    private <T extends ByteBuf> T track(T buf) {
        allocated.add(buf);
        return buf;
    }

    /**
     * The capacities asked for so far, summed: the bytes a channel's code allocated (a buffer's growth in place, as a
     * cumulation grows, is not counted).
     */
    public long bytesAsked() {
        return bytesAsked;
    }

    /** How many buffers were allocated so far. */
    public int allocations() {
        return allocated.size();
    }

    /** The buffers allocated so far whose refCnt is not 0, described (capacity and refCnt) for a message. */
    public List<String> unreleased() {
        List<String> out = new ArrayList<>();
        for (ByteBuf b : allocated) {
            if (b.refCnt() != 0) {
                out.add(b.getClass().getSimpleName() + "(capacity " + b.capacity() + ", refCnt " + b.refCnt() + ")");
            }
        }
        return out;
    }
}
