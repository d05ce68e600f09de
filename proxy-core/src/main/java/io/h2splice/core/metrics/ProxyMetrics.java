package io.h2splice.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The first, minimal metric set: open connections, active streams and completed calls by gRPC status.
 * Lock-free: every handle is a {@link LongAdder} created once at start-up; nothing is looked up by name per call.
 * The observability issue replaces this with per-loop recorders and Dapr's metric names.
 */
public final class ProxyMetrics {

    /** Which listener or pool a connection belongs to; the label value is {@link #label}. */
    public enum Side {
        API("api"), INTERNAL("internal"), UPSTREAM_SIDECAR("upstream_sidecar"), UPSTREAM_APP("upstream_app");

        public final String label;

        Side(String label) {
            this.label = label;
        }
    }

    /** gRPC status names indexed by code, for labels. */
    public static final String[] STATUS_NAMES = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
    };

    private final LongAdder[] connectionsOpen = adders(Side.values().length);
    private final LongAdder[] connectionsTotal = adders(Side.values().length);
    private final LongAdder streamsActive = new LongAdder();
    private final LongAdder streamsTotal = new LongAdder();
    private final LongAdder resetsReceived = new LongAdder();
    private final LongAdder[] callsByStatus = adders(STATUS_NAMES.length);

    public void connectionOpened(Side side) {
        connectionsOpen[side.ordinal()].increment();
        connectionsTotal[side.ordinal()].increment();
    }

    public void connectionClosed(Side side) {
        connectionsOpen[side.ordinal()].decrement();
    }

    public void streamOpened() {
        streamsActive.increment();
        streamsTotal.increment();
    }

    public void streamClosed() {
        streamsActive.decrement();
    }

    public void resetReceived() {
        resetsReceived.increment();
    }

    /** @param grpcStatus the call's final gRPC status code; anything outside 0..16 counts as UNKNOWN (2) */
    public void callCompleted(int grpcStatus) {
        int code = grpcStatus >= 0 && grpcStatus < STATUS_NAMES.length ? grpcStatus : 2;
        callsByStatus[code].increment();
    }

    public long connectionsOpen(Side side) {
        return connectionsOpen[side.ordinal()].sum();
    }

    public long connectionsTotal(Side side) {
        return connectionsTotal[side.ordinal()].sum();
    }

    public long streamsActive() {
        return streamsActive.sum();
    }

    public long streamsTotal() {
        return streamsTotal.sum();
    }

    public long resetsReceived() {
        return resetsReceived.sum();
    }

    public long calls(int grpcStatus) {
        return callsByStatus[grpcStatus].sum();
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
