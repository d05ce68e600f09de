package io.h2splice.core.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The label sets of one metric family, shared by every event loop and bounded: once {@code max} label values exist,
 * new ones are all counted under the single {@code other} series, as is a value longer than {@link
 * LoopMetrics#MAX_LABEL_LENGTH}. Lookups of known keys take no lock and allocate
 * nothing ({@link ConcurrentHashMap#get}); a new key is added once.
 */
final class SeriesTable {

    static final String OTHER = "other";

    private final ConcurrentHashMap<Object, CallSeries> byKey = new ConcurrentHashMap<>();
    private final int max;
    private final boolean streaming;
    private final int loops;
    private final CallSeries other;
    private final AtomicBoolean overflowed = new AtomicBoolean();

    SeriesTable(int max, boolean streaming, int loops) {
        this.max = max;
        this.streaming = streaming;
        this.loops = loops;
        this.other = new CallSeries(OTHER, streaming, loops);
    }

    /**
     * The series of {@code key}, created when there is room. {@code key} must be immutable (it is kept);
     * {@code label} makes the label value from it and runs only on creation.
     */
    CallSeries get(Object key, Function<Object, String> label) {
        CallSeries s = byKey.get(key);
        if (s != null) {
            return s;
        }
        if (byKey.size() >= max) {
            overflowed.lazySet(true);
            return other;
        }
        return byKey.computeIfAbsent(key, k -> new CallSeries(label.apply(k), streaming, loops));
    }

    /** The shared overflow series, for a label value that may not be kept (too long); marks it used. */
    CallSeries other() {
        overflowed.lazySet(true);
        return other;
    }

    /** True when {@code s} is the shared overflow series (callers do not cache it under their key). */
    boolean isOther(CallSeries s) {
        return s == other;
    }

    /** Every series, {@code other} last when it was used. */
    Collection<CallSeries> all() {
        List<CallSeries> out = new ArrayList<>(byKey.values());
        if (overflowed.get()) {
            out.add(other);
        }
        return out;
    }
}
