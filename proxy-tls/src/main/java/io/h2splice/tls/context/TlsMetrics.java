package io.h2splice.tls.context;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Handshake counts, failures by reason, and the expiry of the current certificate. Lock-free. */
public final class TlsMetrics {

    private final LongAdder handshakes = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile long certificateExpiryEpochSeconds;

    void succeeded() {
        handshakes.increment();
    }

    void failed(String reason) {
        failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void certificateExpiry(long epochSeconds) {
        certificateExpiryEpochSeconds = epochSeconds;
    }

    public long handshakes() {
        return handshakes.sum();
    }

    /** Failures by reason, a snapshot. */
    public Map<String, Long> failures() {
        Map<String, Long> m = new java.util.TreeMap<>();
        failures.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public long certificateExpiryEpochSeconds() {
        return certificateExpiryEpochSeconds;
    }
}
