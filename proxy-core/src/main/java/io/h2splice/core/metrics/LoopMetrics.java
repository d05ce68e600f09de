package io.h2splice.core.metrics;

import io.netty.util.AsciiString;

import java.util.HashMap;
import java.util.Map;

/**
 * One event loop's writer handle on {@link CallMetrics}: finds a call's label sets through loop-confined caches
 * (one hash lookup each, no allocation once the label value was seen) and records into this loop's own slots.
 *
 * <p>Threading: confined to its event loop. Not thread-safe, and needs not be.
 */
public final class LoopMetrics {

    /** Caches are dropped when they grow past this (only possible while the shared tables overflow). */
    private static final int MAX_CACHED = 4096;
    /**
     * The longest label value kept (a method path, an app id with its namespace): a longer one is counted under
     * {@code other} and never stored, so 1,000 label values cost at most 1,000 × this.
     */
    static final int MAX_LABEL_LENGTH = 256;

    private final CallMetrics all;
    private final int loop;
    /** namespace → app id → series, for each of unary and streaming calls to other apps. */
    private final Map<String, Map<String, CallSeries>> unaryTargets = new HashMap<>();
    private final Map<String, Map<String, CallSeries>> streamingTargets = new HashMap<>();
    private final Map<AsciiString, CallSeries> callers = new HashMap<>();
    private final Map<AsciiString, CallSeries> methods = new HashMap<>();
    /** Targets in this namespace are labelled by their bare app id, others as {@code app.namespace}. */
    private final String ownNamespace;
    private static final AsciiString UNKNOWN = AsciiString.cached("unknown");

    LoopMetrics(CallMetrics all, int loop, String ownNamespace) {
        this.all = all;
        this.loop = loop;
        this.ownNamespace = ownNamespace;
    }

    /** False when per-call metrics are off: callers then look nothing up and record nothing. */
    public boolean enabled() {
        return all.settings().enabled();
    }

    /** The series of calls to app {@code appId} in {@code namespace}, made through this sidecar. */
    public CallSeries target(String appId, String namespace, boolean streaming) {
        Map<String, Map<String, CallSeries>> cache = streaming ? streamingTargets : unaryTargets;
        Map<String, CallSeries> byApp = cache.get(namespace);
        CallSeries s = byApp == null ? null : byApp.get(appId);
        if (s != null) {
            return s;
        }
        SeriesTable table = streaming ? all.targetsStreaming : all.targetsUnary;
        if (appId.length() + namespace.length() >= MAX_LABEL_LENGTH) {
            return table.other();
        }
        String label = namespace.equals(ownNamespace) ? appId : appId + "." + namespace;
        s = table.get(label, k -> (String) k);
        if (!table.isOther(s)) {
            if (byApp == null) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                byApp = new HashMap<>();
                cache.put(namespace, byApp);
            }
            if (byApp.size() >= MAX_CACHED) {
                byApp.clear();
            }
            byApp.put(appId, s);
        }
        return s;
    }

    /** The series of calls received from app {@code callerAppId} (null or empty: {@code unknown}). */
    public CallSeries caller(CharSequence callerAppId) {
        return cached(callers, all.callers, callerAppId == null || callerAppId.length() == 0 ? UNKNOWN : callerAppId);
    }

    /** The series of calls to gRPC method {@code path} ({@code /pkg.Service/Method}) on the API listener. */
    public CallSeries method(CharSequence path) {
        return cached(methods, all.methods, path == null || path.length() == 0 ? UNKNOWN : path);
    }

    private static CallSeries cached(Map<AsciiString, CallSeries> cache, SeriesTable table, CharSequence value) {
        if (value.length() > MAX_LABEL_LENGTH) {
            return table.other();
        }
        AsciiString key = value instanceof AsciiString a ? a : new AsciiString(value);
        CallSeries s = cache.get(key);
        if (s != null) {
            return s;
        }
        // HPACK hands each header value its own array, so the key may be kept; copy anyway when it is a slice
        AsciiString kept = key.arrayOffset() == 0 && key.length() == key.array().length ? key
                : new AsciiString(key.toByteArray(), false);
        s = table.get(kept, k -> k.toString());
        if (!table.isOther(s)) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(kept, s);
        }
        return s;
    }

    // === recording ===

    /** A call or attempt of {@code series} started on this loop. */
    public void started(CallSeries series) {
        series.started(loop);
    }

    /** A call of {@code series} ended on this loop with {@code grpcStatus}; its latency recorded when timed. */
    public void ended(CallSeries series, int grpcStatus, long nanos, boolean timed) {
        series.ended(loop, grpcStatus, nanos, timed);
    }

    /** Latency the sidecar added before forwarding a call's HEADERS, on the API (true) or internal listener. */
    public void added(boolean apiListener, long nanos) {
        all.recordAdded(loop, apiListener ? CallMetrics.API : CallMetrics.INTERNAL, nanos);
    }
}
