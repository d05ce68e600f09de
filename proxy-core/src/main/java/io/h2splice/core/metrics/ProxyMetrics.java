package io.h2splice.core.metrics;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A sidecar's metrics: h2splice's own connection and frame counters here, and the per-call families with Dapr's
 * names in {@link #calls()}. Lock-free: every handle is a {@link LongAdder} (striped per thread, so in effect per
 * event loop) or a per-loop slot created once at start-up; nothing is looked up by name per call.
 */
public final class ProxyMetrics {

    /** HTTP/2 error code names indexed by code (RFC 9113 §7); other codes are counted as {@code OTHER}. */
    public static final String[] H2_ERROR_NAMES = {
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED",
        "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED", "OTHER"
    };

    /** Which listener or pool a connection belongs to; the label value is {@link #label}. */
    public enum Side {
        API("api"), INTERNAL("internal"), UPSTREAM_SIDECAR("upstream_sidecar"), UPSTREAM_APP("upstream_app");

        public final String label;

        Side(String label) {
            this.label = label;
        }
    }

    /** Where a call was denied for a missing or wrong {@code dapr-api-token}; the label value is {@link #label}. */
    public enum TokenPort {
        GRPC("grpc"), HTTP("http");

        public final String label;

        TokenPort(String label) {
            this.label = label;
        }
    }

    /** gRPC status names indexed by code, for labels. */
    public static final String[] STATUS_NAMES = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
    };

    /**
     * The same codes as daprd writes them in {@code grpc_server_status} (grpc-go's {@code codes.Code.String()}, through
     * OpenCensus' ocgrpc): what dashboards and alerts written against daprd query.
     */
    public static final String[] DAPR_STATUS_NAMES = {
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
        "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
        "Internal", "Unavailable", "DataLoss", "Unauthenticated"
    };

    private final LongAdder[] connectionsOpen = adders(Side.values().length);
    private final LongAdder[] connectionsTotal = adders(Side.values().length);
    private final LongAdder streamsActive = new LongAdder();
    private final LongAdder streamsTotal = new LongAdder();
    private final LongAdder[] resetsReceived = adders(H2_ERROR_NAMES.length);
    private final LongAdder[] resetsSent = adders(H2_ERROR_NAMES.length);
    private final LongAdder[] goAwaysReceived = adders(H2_ERROR_NAMES.length);
    private final LongAdder[] goAwaysSent = adders(H2_ERROR_NAMES.length);
    private final LongAdder requestBytes = new LongAdder();
    private final LongAdder responseBytes = new LongAdder();
    private final LongAdder requestFrames = new LongAdder();
    private final LongAdder responseFrames = new LongAdder();
    private final FrameSizes[] framesWritten = frameSizes(Side.values().length);
    private final LongAdder[] dials = adders(2 * 2);
    private final LongAdder sidecarEjections = new LongAdder();
    private final LongAdder[] callsByStatus = adders(STATUS_NAMES.length);
    private final LongAdder[] apiTokenDenied = adders(TokenPort.values().length);
    private final LongAdder memoryHeld = new LongAdder();
    private volatile long memoryBudget;
    /** Refused for the memory budget: [0] streams, [1] connections; shed: [2] calls, [3] connections. */
    private final LongAdder[] memoryActions = adders(4);
    private final int loops;
    private final CallMetrics calls;

    /** Structures that grow with what peers ask for, each with a way to read its size (registered at start). */
    private final CopyOnWriteArrayList<Tracked> tracked = new CopyOnWriteArrayList<>();

    /** One registered size: {@code size} must be safe to read from any thread. */
    record Tracked(String structure, LongSupplier size) {
    }

    /** Default settings, one event loop (engine tests). */
    public ProxyMetrics() {
        this(MetricsSettings.defaults(), 1);
    }

    /** @param loops the number of event loops that will record (each gets a {@link CallMetrics#forLoop} handle) */
    public ProxyMetrics(MetricsSettings settings, int loops) {
        this.calls = new CallMetrics(settings, loops);
        this.loops = loops;
    }

    /** The number of event loops that record. */
    public int loops() {
        return loops;
    }

    /** The per-call families with Dapr's names. */
    public CallMetrics calls() {
        return calls;
    }

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

    public void resetReceived(long h2ErrorCode) {
        resetsReceived[h2Error(h2ErrorCode)].increment();
    }

    public void resetSent(long h2ErrorCode) {
        resetsSent[h2Error(h2ErrorCode)].increment();
    }

    public void goAwayReceived(long h2ErrorCode) {
        goAwaysReceived[h2Error(h2ErrorCode)].increment();
    }

    public void goAwaySent(long h2ErrorCode) {
        goAwaysSent[h2Error(h2ErrorCode)].increment();
    }

    /** A DATA frame of {@code n} payload bytes received from a caller, to be forwarded towards the app. */
    public void requestBytes(int n) {
        requestBytes.add(n);
        requestFrames.increment();
    }

    /** A DATA frame of {@code n} payload bytes received from the app's side, to be forwarded back to the caller. */
    public void responseBytes(int n) {
        responseBytes.add(n);
        responseFrames.increment();
    }

    /** A dial to another sidecar ({@code sidecar}) or to the app finished, connected or not. */
    public void dialed(boolean sidecar, boolean connected) {
        dials[(sidecar ? 2 : 0) + (connected ? 1 : 0)].increment();
    }

    /** Bytes charged to the memory budget changed by {@code delta} (any loop). */
    public void memoryHeld(long delta) {
        memoryHeld.add(delta);
    }

    /** A new stream ({@code connection} false) or connection was refused because the memory budget is half full. */
    public void memoryRefused(boolean connection) {
        memoryActions[connection ? 1 : 0].increment();
    }

    /** A call, or a client connection, was shed because the memory budget is three-quarters full. */
    public void memoryShed(boolean connection) {
        memoryActions[connection ? 3 : 2].increment();
    }

    /** The sidecar's memory budget in bytes, set once at start. */
    public void memoryBudget(long bytes) {
        memoryBudget = bytes;
    }

    public long memoryBudget() {
        return memoryBudget;
    }

    public long memoryHeld() {
        return memoryHeld.sum();
    }

    public long memoryRefusedCount(boolean connection) {
        return memoryActions[connection ? 1 : 0].sum();
    }

    public long memoryShedCount(boolean connection) {
        return memoryActions[connection ? 3 : 2].sum();
    }

    /** An address of another app's sidecars was ejected from the sidecar pools (its dial or handshake failed). */
    public void sidecarEjected() {
        sidecarEjections.increment();
    }

    /** @param grpcStatus the call's final gRPC status code; anything outside 0..16 counts as UNKNOWN (2) */
    public void callCompleted(int grpcStatus) {
        int code = grpcStatus >= 0 && grpcStatus < STATUS_NAMES.length ? grpcStatus : 2;
        callsByStatus[code].increment();
    }

    /** A call (gRPC) or request (HTTP) was refused: {@code DAPR_API_TOKEN} is set and it did not carry it. */
    public void apiTokenDenied(TokenPort port) {
        apiTokenDenied[port.ordinal()].increment();
    }

    public long apiTokenDeniedCount(TokenPort port) {
        return apiTokenDenied[port.ordinal()].sum();
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

    /** RST_STREAM frames received, all codes. */
    public long resetsReceived() {
        return sum(resetsReceived);
    }

    public long resetsReceived(int h2ErrorIndex) {
        return resetsReceived[h2ErrorIndex].sum();
    }

    public long resetsSent(int h2ErrorIndex) {
        return resetsSent[h2ErrorIndex].sum();
    }

    public long goAwaysReceived(int h2ErrorIndex) {
        return goAwaysReceived[h2ErrorIndex].sum();
    }

    public long goAwaysSent(int h2ErrorIndex) {
        return goAwaysSent[h2ErrorIndex].sum();
    }

    public long requestBytes() {
        return requestBytes.sum();
    }

    public long responseBytes() {
        return responseBytes.sum();
    }

    /**
     * Shows {@code size} as {@code h2splice_entries{structure}} (summed over every registration of one name, e.g.
     * one per event loop), so that a structure that grows with peers' requests can be watched: called once per
     * structure when it is made; {@code size} is read from the metrics thread.
     */
    public void trackEntries(String structure, LongSupplier size) {
        tracked.add(new Tracked(structure, size));
    }

    /** Entries of each tracked structure now, by name in the order first registered. */
    public java.util.Map<String, Long> entries() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (Tracked t : tracked) {
            out.merge(t.structure(), t.size().getAsLong(), Long::sum);
        }
        return out;
    }

    /** Payload bytes per DATA frame written on connections of {@code side}: how this sidecar framed what it forwards. */
    public FrameSizes framesWritten(Side side) {
        return framesWritten[side.ordinal()];
    }

    /** DATA frames received, request or response direction: with the bytes, how the previous hop framed them. */
    public long dataFrames(boolean request) {
        return (request ? requestFrames : responseFrames).sum();
    }

    public long dials(boolean sidecar, boolean connected) {
        return dials[(sidecar ? 2 : 0) + (connected ? 1 : 0)].sum();
    }

    public long sidecarEjections() {
        return sidecarEjections.sum();
    }

    /** Index into {@link #H2_ERROR_NAMES} of an HTTP/2 error code. */
    static int h2Error(long code) {
        return code >= 0 && code < H2_ERROR_NAMES.length - 1 ? (int) code : H2_ERROR_NAMES.length - 1;
    }

    private static FrameSizes[] frameSizes(int n) {
        FrameSizes[] a = new FrameSizes[n];
        for (int i = 0; i < n; i++) {
            a[i] = new FrameSizes();
        }
        return a;
    }

    private static long sum(LongAdder[] a) {
        long n = 0;
        for (LongAdder x : a) {
            n += x.sum();
        }
        return n;
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
