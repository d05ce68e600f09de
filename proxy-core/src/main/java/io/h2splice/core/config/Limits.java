package io.h2splice.core.config;

/**
 * HTTP/2 limits applied to every connection the proxy accepts or dials, and the per-message body limit.
 *
 * @param maxHeaderListSize     SETTINGS_MAX_HEADER_LIST_SIZE advertised and enforced (Dapr: read-buffer-size &lt;&lt; 10 = 4 MiB)
 * @param maxConcurrentStreams  SETTINGS_MAX_CONCURRENT_STREAMS advertised on inbound connections
 * @param maxFrameSize          SETTINGS_MAX_FRAME_SIZE advertised (16 KiB .. 16 MiB - 1)
 * @param initialWindowSize     SETTINGS_INITIAL_WINDOW_SIZE for every stream, and the per-stream memory bound
 * @param connectionWindowSize  the connection-level receive window advertised; it is refilled as DATA arrives, so it
 *                              sets how much may be in flight, not what a stalled stream can take from the others
 * @param prematureResetMinStreams streams a client connection on the API port must have ended (in the window) before
 *                              its share of streams reset before a response is judged (rapid reset, CVE-2023-44487)
 * @param prematureResetWindowSeconds the window over which that share is counted
 * @param maxBodySize           largest gRPC message in bytes, or -1 for no proxy limit
 * @param memoryBudget          bytes the sidecar may buffer because of what peers sent (DATA not yet written on,
 *                              unfinished header blocks, calls' kept headers and replays), split evenly over the
 *                              event loops; at half of a loop's share new streams and connections are refused, at
 *                              three quarters the largest holder is shed (docs/memory.md)
 * @param directMemoryLimit     the JVM's direct-memory ceiling ({@code -XX:MaxDirectMemorySize}) the same governor
 *                              watches, for what buffering costs beyond the bytes charged (a retained slice keeps its
 *                              whole read buffer, TLS and the outbound buffers allocate their own): at half of it new
 *                              streams and connections are refused, at three quarters the largest holders are shed;
 *                              0 watches nothing
 */
public record Limits(long maxHeaderListSize, int maxConcurrentStreams, int maxFrameSize, int initialWindowSize,
                     int connectionWindowSize, int prematureResetMinStreams,
                     int prematureResetWindowSeconds, long maxBodySize, long memoryBudget, long directMemoryLimit) {

    /** The default memory budget: half the launcher's 256 MiB of heap and of direct memory (bin/h2splice). */
    public static final long DEFAULT_MEMORY_BUDGET = 128L << 20;
    /** The smallest memory budget: one stream window's worth per loop is the least that makes sense. */
    public static final long MIN_MEMORY_BUDGET = 4L << 20;

    /**
     * Dapr's defaults: 4 MiB header list; no body limit (h2splice never buffers a message). Windows of 1 MiB per
     * stream and 4 MiB per connection; rapid reset judged after 200 streams over 10 s; a memory budget of 128 MiB;
     * this JVM's direct-memory ceiling watched.
     */
    public static Limits defaults() {
        return new Limits(4L << 20, 2048, 16_384, 1 << 20, 4 << 20, 200, 10, -1, DEFAULT_MEMORY_BUDGET,
                Math.max(0, io.netty.util.internal.PlatformDependent.maxDirectMemory()));
    }

    /**
     * The memory budget a sidecar takes when none is given: half of the JVM's heap or direct memory, whichever is
     * smaller (a header list is decoded on the heap, DATA and header blocks are held in direct memory), at most
     * {@link #DEFAULT_MEMORY_BUDGET} and at least {@link #MIN_MEMORY_BUDGET}. With the launcher's 256 MiB of each that
     * is 128 MiB; in a container whose JVM sizes itself from a smaller memory limit, less.
     */
    public static long memoryBudgetFor(long maxHeapBytes, long maxDirectBytes) {
        long half = Math.min(maxHeapBytes, maxDirectBytes) / 2;
        return Math.max(MIN_MEMORY_BUDGET, Math.min(DEFAULT_MEMORY_BUDGET, half));
    }

    public Limits {
        if (maxHeaderListSize < 1024) {
            throw new IllegalArgumentException("max header list size must be at least 1024 bytes, got " + maxHeaderListSize);
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("max concurrent streams must be positive, got " + maxConcurrentStreams);
        }
        if (maxFrameSize < 16_384 || maxFrameSize > 16_777_215) {
            throw new IllegalArgumentException("max frame size must be in [16384, 16777215], got " + maxFrameSize);
        }
        if (initialWindowSize < 65_535) {
            throw new IllegalArgumentException("initial window size must be at least 65535, got " + initialWindowSize);
        }
        if (connectionWindowSize < initialWindowSize) {
            throw new IllegalArgumentException("connection window must be at least the stream window");
        }
        if (prematureResetMinStreams < 2 || prematureResetWindowSeconds < 1) {
            throw new IllegalArgumentException("the rapid-reset guard needs at least 2 streams and a 1 s window, got "
                    + prematureResetMinStreams + " streams and " + prematureResetWindowSeconds + " s");
        }
        if (maxBodySize == 0 || maxBodySize < -1) {
            throw new IllegalArgumentException("max body size must be positive or -1 (no limit), got " + maxBodySize);
        }
        if (directMemoryLimit < 0) {
            throw new IllegalArgumentException("direct memory limit must be 0 (not watched) or positive, got "
                    + directMemoryLimit);
        }
        if (memoryBudget < MIN_MEMORY_BUDGET) {
            throw new IllegalArgumentException("memory budget must be at least " + MIN_MEMORY_BUDGET + " bytes (4Mi), "
                    + "got " + memoryBudget);
        }
    }

    public Limits withMaxHeaderListSize(long size) {
        return new Limits(size, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                prematureResetMinStreams, prematureResetWindowSeconds, maxBodySize, memoryBudget, directMemoryLimit);
    }

    public Limits withMaxBodySize(long size) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                prematureResetMinStreams, prematureResetWindowSeconds, size, memoryBudget, directMemoryLimit);
    }

    public Limits withMaxConcurrentStreams(int streams) {
        return new Limits(maxHeaderListSize, streams, maxFrameSize, initialWindowSize, connectionWindowSize,
                prematureResetMinStreams, prematureResetWindowSeconds, maxBodySize, memoryBudget, directMemoryLimit);
    }

    /** Stream and connection windows. */
    public Limits withWindows(int stream, int connection) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, stream, connection,
                prematureResetMinStreams, prematureResetWindowSeconds, maxBodySize, memoryBudget, directMemoryLimit);
    }

    public Limits withMemoryBudget(long bytes) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                prematureResetMinStreams, prematureResetWindowSeconds, maxBodySize, bytes, directMemoryLimit);
    }

    public Limits withPrematureResetGuard(int minStreams, int windowSeconds) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                minStreams, windowSeconds, maxBodySize, memoryBudget, directMemoryLimit);
    }

    public Limits withDirectMemoryLimit(long bytes) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                prematureResetMinStreams, prematureResetWindowSeconds, maxBodySize, memoryBudget, bytes);
    }
}
