package io.h2splice.core.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples the JVM's buffer memory on a daemon thread while a test streams: Netty's pooled and default allocators,
 * Netty's own direct-memory counter, the JDK's direct buffer pool, and the heap after a forced GC (sampled less
 * often, since it needs a full GC). Each gauge keeps its baseline (at {@link #start}) and its peak; a gauge that is
 * not available on this JVM (Netty reports -1) is left out.
 */
public final class MemorySampler implements AutoCloseable {

    private final Map<String, LongSupplier> gauges = new LinkedHashMap<>();
    private final Map<String, Long> baseline = new LinkedHashMap<>();
    private final Map<String, Long> peak = new LinkedHashMap<>(); // guarded by this
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memory-sampler");
        t.setDaemon(true);
        return t;
    });
    private long samples; // guarded by this

    private MemorySampler() {
        gauges.put("PooledByteBufAllocator.DEFAULT direct", () ->
                PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
        gauges.put("PooledByteBufAllocator.DEFAULT heap", () ->
                PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory());
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                && ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            String name = ByteBufAllocator.DEFAULT.getClass().getSimpleName();
            gauges.put("ByteBufAllocator.DEFAULT (" + name + ") direct", () -> p.metric().usedDirectMemory());
            gauges.put("ByteBufAllocator.DEFAULT (" + name + ") heap", () -> p.metric().usedHeapMemory());
        }
        if (PlatformDependent.usedDirectMemory() >= 0) {
            gauges.put("PlatformDependent.usedDirectMemory", PlatformDependent::usedDirectMemory);
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                gauges.put("JDK direct buffers", pool::getMemoryUsed);
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        forceGc();
        for (Map.Entry<String, LongSupplier> g : gauges.entrySet()) {
            long v = g.getValue().getAsLong();
            baseline.put(g.getKey(), v);
            peak.put(g.getKey(), v);
        }
        long heap = memory.getHeapMemoryUsage().getUsed();
        baseline.put(HEAP, heap);
        peak.put(HEAP, heap);
    }

    /** Heap in use right after a full GC: the live set, not garbage. */
    public static final String HEAP = "heap after GC";

    /** Takes baselines (after a GC) and starts sampling every {@code periodMillis}, the heap every {@code heapEveryMillis}. */
    public static MemorySampler start(long periodMillis, long heapEveryMillis) {
        MemorySampler s = new MemorySampler();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // One thread runs both tasks, so a heap sample (a full GC) only delays the buffer samples.
        s.timer.scheduleAtFixedRate(s::sampleBuffers, 0, periodMillis, TimeUnit.MILLISECONDS);
        s.timer.scheduleAtFixedRate(() -> {
            forceGc();
            s.record(HEAP, memory.getHeapMemoryUsage().getUsed());
        }, heapEveryMillis, heapEveryMillis, TimeUnit.MILLISECONDS);
        return s;
    }

    private void sampleBuffers() {
        for (Map.Entry<String, LongSupplier> g : gauges.entrySet()) {
            record(g.getKey(), g.getValue().getAsLong());
        }
        synchronized (this) {
            samples++;
        }
    }

    private synchronized void record(String gauge, long value) {
        peak.merge(gauge, value, Math::max);
    }

    private static void forceGc() {
        System.gc();
    }

    /** Largest growth over baseline of any gauge, in bytes. */
    public synchronized long maxGrowth() {
        long max = 0;
        for (Map.Entry<String, Long> p : peak.entrySet()) {
            max = Math.max(max, p.getValue() - baseline.get(p.getKey()));
        }
        return max;
    }

    /** Gauges whose peak exceeded their baseline by {@code bound} bytes or more, with the numbers. */
    public synchronized Map<String, String> over(long bound) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> p : peak.entrySet()) {
            long growth = p.getValue() - baseline.get(p.getKey());
            if (growth >= bound) {
                out.put(p.getKey(), "grew by " + mib(growth) + " (baseline " + mib(baseline.get(p.getKey()))
                        + ", peak " + mib(p.getValue()) + ")");
            }
        }
        return out;
    }

    /** One line per gauge: baseline, peak and growth. */
    public synchronized String report() {
        StringBuilder sb = new StringBuilder("memory over ").append(samples).append(" samples:");
        for (Map.Entry<String, Long> p : peak.entrySet()) {
            long b = baseline.get(p.getKey());
            sb.append("\n  ").append(p.getKey()).append(": baseline ").append(mib(b)).append(", peak ")
                    .append(mib(p.getValue())).append(", growth ").append(mib(p.getValue() - b));
        }
        return sb.toString();
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** Stops sampling (idempotent) after one last buffer sample. */
    @Override
    public void close() throws InterruptedException {
        if (!timer.isShutdown()) {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            sampleBuffers();
        }
    }
}
