package io.h2splice.core.resiliency;

import io.netty.util.AsciiString;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The breakers of one policy, one per (target app, method), at most {@code capacity} of them;
 * when full, the least recently used breaker is dropped (its counts with it), as Dapr's LRU
 * of per-endpoint breakers ({@code circuitBreakerCacheSize}, default 100) does.
 *
 * <p><b>Cost.</b> A hit is two {@link ConcurrentHashMap} reads keyed by the app's string and the method as the
 * caller already has it (an {@link AsciiString}, as HPACK decodes {@code :path}; no composite key is built, so no
 * allocation) plus one volatile write of
 * the last-use time (skipped when unchanged): lock-free. A miss takes this object's lock, and if the cache is full
 * scans the entries for the oldest (O(capacity), capacity is small). Recency is the
 * {@code nowNanos} passed in, so calls at the same nanosecond tie and either may be evicted.
 * A call that got a breaker just before it was evicted finishes with it; that is harmless.
 */
public final class CircuitBreakers {

    /** Dapr's default {@code circuitBreakerCacheSize}. */
    public static final int DEFAULT_CACHE_SIZE = 100;

    /** Makes the breaker for a key on first use. */
    @FunctionalInterface
    public interface Factory {
        CircuitBreaker create(String app, String method, long nowNanos);
    }

    private final int capacity;
    private final Factory factory;
    private final ConcurrentHashMap<String, ConcurrentHashMap<AsciiString, Entry>> byApp = new ConcurrentHashMap<>();
    private int size; // guarded by this

    /** @param capacity {@code circuitBreakerCacheSize}; {@code <= 0} means Dapr's default 100 */
    public CircuitBreakers(int capacity, Factory factory) {
        this.capacity = capacity <= 0 ? DEFAULT_CACHE_SIZE : capacity;
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    public int capacity() {
        return capacity;
    }

    /** Current number of breakers. */
    public synchronized int size() {
        return size;
    }

    /** The breaker for (app, method), created on first use; marks it most recently used. */
    public CircuitBreaker get(String app, CharSequence method, long nowNanos) {
        AsciiString key = key(method);
        ConcurrentHashMap<AsciiString, Entry> methods = byApp.get(app);
        if (methods != null) {
            Entry e = methods.get(key);
            if (e != null) {
                if (e.lastUsed != nowNanos) {
                    e.lastUsed = nowNanos;
                }
                return e.breaker;
            }
        }
        return create(app, key, nowNanos);
    }

    /** Every breaker now in the cache (for the metrics page); runs on the caller's thread. */
    public void forEach(Consumer<CircuitBreaker> action) {
        for (ConcurrentHashMap<AsciiString, Entry> methods : byApp.values()) {
            for (Entry e : methods.values()) {
                action.accept(e.breaker);
            }
        }
    }

    /** Keys are {@link AsciiString}s (their hash and equality differ from String's): the call path's own object. */
    private static AsciiString key(CharSequence method) {
        return method instanceof AsciiString a ? a : new AsciiString(method);
    }

    /** The breaker for (app, method) if cached, without creating one or changing recency. */
    public CircuitBreaker peek(String app, CharSequence method) {
        ConcurrentHashMap<AsciiString, Entry> methods = byApp.get(app);
        Entry e = methods == null ? null : methods.get(key(method));
        return e == null ? null : e.breaker;
    }

    private synchronized CircuitBreaker create(String app, AsciiString method, long nowNanos) {
        ConcurrentHashMap<AsciiString, Entry> methods = byApp.get(app);
        if (methods != null) {
            Entry e = methods.get(method);
            if (e != null) {
                e.lastUsed = nowNanos;
                return e.breaker;
            }
        }
        CircuitBreaker breaker = Objects.requireNonNull(factory.create(app, method.toString(), nowNanos),
                "factory result");
        if (size >= capacity) {
            evictOldest();
        }
        AsciiString own = new AsciiString(method.array(), method.arrayOffset(), method.length(), true); // kept: a copy
        byApp.computeIfAbsent(app, k -> new ConcurrentHashMap<>()).put(own, new Entry(breaker, nowNanos));
        size++;
        return breaker;
    }

    private void evictOldest() {
        String oldApp = null;
        AsciiString oldMethod = null;
        long oldest = 0;
        for (Map.Entry<String, ConcurrentHashMap<AsciiString, Entry>> a : byApp.entrySet()) {
            for (Map.Entry<AsciiString, Entry> m : a.getValue().entrySet()) {
                long used = m.getValue().lastUsed;
                if (oldApp == null || used - oldest < 0) {
                    oldApp = a.getKey();
                    oldMethod = m.getKey();
                    oldest = used;
                }
            }
        }
        if (oldApp == null) {
            return;
        }
        ConcurrentHashMap<AsciiString, Entry> methods = byApp.get(oldApp);
        methods.remove(oldMethod);
        if (methods.isEmpty()) {
            byApp.remove(oldApp, methods);
        }
        size--;
    }

    private static final class Entry {
        final CircuitBreaker breaker;
        /** Written only when it changes; a racing write only makes eviction slightly less exact. */
        volatile long lastUsed;

        Entry(CircuitBreaker breaker, long lastUsed) {
            this.breaker = breaker;
            this.lastUsed = lastUsed;
        }
    }
}
