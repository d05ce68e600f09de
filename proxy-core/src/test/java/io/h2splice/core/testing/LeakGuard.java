package io.h2splice.core.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every leak Netty's {@link ResourceLeakDetector} reports, so a test run can fail on it instead of only
 * logging it.
 *
 * <p>{@link #install()} must run before any {@code ByteBuf} class is initialised: {@code AbstractByteBuf} creates its
 * detector once, in its static initialiser, from the factory installed at that moment.
 * {@link LeakGuardSessionListener} installs it when the JUnit launcher session opens, and {@link LeakGuardExtension}
 * checks, sweeps and fails each test class. Leak reports need the detector level set ({@code
 * -Dio.netty.leakDetectionLevel=paranoid} in the surefire argLine): at PARANOID every buffer is tracked and every
 * allocation polls the queue of collected, unreleased buffers.
 *
 * <p>Threading: reports arrive on whatever thread allocates a buffer; the record list is guarded by its own monitor.
 */
public final class LeakGuard {

    private static final Object LOCK = new Object();
    /** Leak reports not yet handed to a test class; guarded by {@link #LOCK}. */
    private static final List<String> PENDING = new ArrayList<>();
    private static volatile boolean installed;

    private LeakGuard() {
    }

    /** Installs the recording factory; idempotent. Returns whether this call installed it. */
    public static boolean install() {
        synchronized (LOCK) {
            if (installed) {
                return false;
            }
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
            installed = true;
            return true;
        }
    }

    /**
     * Whether the detector that tracks every {@code ByteBuf} is ours. False when a {@code ByteBuf} class was loaded
     * before {@link #install()}, in which case leaks would only be logged.
     */
    public static boolean isActive() {
        try {
            Class<?> abstractByteBuf = Class.forName("io.netty.buffer.AbstractByteBuf");
            Field field = abstractByteBuf.getDeclaredField("leakDetector");
            field.setAccessible(true);
            return field.get(null) instanceof RecordingDetector;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot inspect io.netty.buffer.AbstractByteBuf.leakDetector", e);
        }
    }

    static void record(String resourceType, String records) {
        String report = "LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                + (records.isEmpty() ? " (no access records)" : records);
        synchronized (LOCK) {
            PENDING.add(report);
        }
    }

    /** The reports recorded so far, without clearing them. */
    public static List<String> peek() {
        synchronized (LOCK) {
            return List.copyOf(PENDING);
        }
    }

    /** Takes and clears the reports recorded so far. */
    public static List<String> drain() {
        synchronized (LOCK) {
            List<String> out = List.copyOf(PENDING);
            PENDING.clear();
            return out;
        }
    }

    /**
     * Makes Netty report the leaks that are collectable now: runs {@code rounds} full GCs, each until a phantom
     * sentinel has been enqueued (so the reference handler has also enqueued Netty's phantom references of
     * collected buffers), then allocates and releases buffers, since a detector polls its queue only when it
     * tracks a new buffer. Returns and clears every report.
     */
    public static List<String> sweep(int rounds) {
        for (int i = 0; i < rounds; i++) {
            gcAndAwaitReferenceProcessing();
            pollDetectors();
        }
        return drain();
    }

    private static void gcAndAwaitReferenceProcessing() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                System.gc();
                if (queue.remove(100) != null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sentinel.clear();
        }
    }

    private static void pollDetectors() {
        // Every leak-aware allocation runs ResourceLeakDetector.track -> reportLeak, which drains the reference queue.
        for (int i = 0; i < 8; i++) {
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(16).release();
        }
    }

    /** Creates {@link RecordingDetector}s for every resource type (ByteBuf, timers, SSL contexts...). */
    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    /** Logs as Netty does, and also records the report for {@link LeakGuardExtension}. */
    static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            // Netty reports only when its logger has ERROR enabled; we record regardless of logging.
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record(resourceType, records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record(resourceType, "");
            super.reportUntracedLeak(resourceType);
        }
    }
}
