package io.h2splice.core.config;

/**
 * HTTP/2 limits applied to every connection the proxy accepts, and the per-message body limit.
 *
 * @param maxHeaderListSize     SETTINGS_MAX_HEADER_LIST_SIZE advertised and enforced (Dapr: read-buffer-size &lt;&lt; 10 = 4 MiB)
 * @param maxConcurrentStreams  SETTINGS_MAX_CONCURRENT_STREAMS advertised on inbound connections
 * @param maxFrameSize          SETTINGS_MAX_FRAME_SIZE advertised (16 KiB .. 16 MiB - 1)
 * @param initialWindowSize     SETTINGS_INITIAL_WINDOW_SIZE for every stream, and the per-stream memory bound
 * @param connectionWindowSize  the connection-level receive window
 * @param maxRstFramesPerWindow RST_STREAM frames a peer may send per {@code rstWindowSeconds} (rapid-reset guard, CVE-2023-44487)
 * @param rstWindowSeconds      the window of the rapid-reset guard
 * @param maxBodySize           largest gRPC message in bytes, or -1 for no proxy limit
 */
public record Limits(long maxHeaderListSize, int maxConcurrentStreams, int maxFrameSize, int initialWindowSize,
                     int connectionWindowSize, int maxRstFramesPerWindow, int rstWindowSeconds, long maxBodySize) {

    /** Dapr's defaults: 4 MiB header list; no body limit (h2splice never buffers a message). */
    public static Limits defaults() {
        return new Limits(4L << 20, 2048, 16_384, 1 << 20, 4 << 20, 200, 30, -1);
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
        if (maxRstFramesPerWindow < 1 || rstWindowSeconds < 1) {
            throw new IllegalArgumentException("rapid-reset guard needs a positive count and window");
        }
        if (maxBodySize == 0 || maxBodySize < -1) {
            throw new IllegalArgumentException("max body size must be positive or -1 (no limit), got " + maxBodySize);
        }
    }

    public Limits withMaxHeaderListSize(long size) {
        return new Limits(size, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                maxRstFramesPerWindow, rstWindowSeconds, maxBodySize);
    }

    public Limits withMaxBodySize(long size) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, initialWindowSize, connectionWindowSize,
                maxRstFramesPerWindow, rstWindowSeconds, size);
    }

    public Limits withMaxConcurrentStreams(int streams) {
        return new Limits(maxHeaderListSize, streams, maxFrameSize, initialWindowSize, connectionWindowSize,
                maxRstFramesPerWindow, rstWindowSeconds, maxBodySize);
    }

    public Limits withWindows(int stream, int connection) {
        return new Limits(maxHeaderListSize, maxConcurrentStreams, maxFrameSize, stream, connection,
                maxRstFramesPerWindow, rstWindowSeconds, maxBodySize);
    }
}
