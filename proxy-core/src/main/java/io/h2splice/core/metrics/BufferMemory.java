package io.h2splice.core.metrics;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * The memory the sidecar's buffers take, read when the metrics page is rendered: the JVM's direct buffer pool (what
 * {@code -XX:MaxDirectMemorySize} limits: Netty's allocator reserves its chunks there) and what Netty's default
 * allocator has taken from the JVM, direct and heap. Beside {@code h2splice_memory_held_bytes} (the bytes peers made
 * the sidecar keep) it shows what keeping them costs: a retained slice keeps its whole chunk.
 *
 * <p>The memory governor ({@code splice.MemoryBudget}) reads {@link #jvmDirectUsed} too: one read of the JVM's
 * counter (an atomic long), cheap enough to take on every charge.
 *
 * <p>Threading: any thread; each read is a snapshot of counters the JVM and the allocator keep.
 */
public final class BufferMemory {

    private static final BufferPoolMXBean DIRECT_POOL = ManagementFactory
            .getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct"))
            .findFirst().orElse(null);

    private BufferMemory() {
    }

    /** Bytes of direct memory the JVM has reserved for direct buffers now; -1 if the JVM does not say. */
    public static long jvmDirectUsed() {
        return DIRECT_POOL == null ? -1 : DIRECT_POOL.getMemoryUsed();
    }

    /** Bytes Netty's default allocator holds from the JVM (used and pooled), direct or heap; -1 if it does not say. */
    static long allocatorUsed(boolean direct) {
        if (!(ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider)) {
            return -1;
        }
        ByteBufAllocatorMetric metric = provider.metric();
        return direct ? metric.usedDirectMemory() : metric.usedHeapMemory();
    }
}
