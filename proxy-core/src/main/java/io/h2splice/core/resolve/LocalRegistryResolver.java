package io.h2splice.core.resolve;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves apps from the {@link LocalRegistry}: the self-hosted stand-in for Dapr's mDNS resolver.
 *
 * <p>Answers come from an in-memory snapshot of the registry. A hit returns an already completed future, without I/O
 * or locking; when the snapshot is older than the refresh interval (250 ms) the hit also starts a background
 * refresh. A miss is answered by a registry read that <em>started after the lookup</em>, so a sidecar that finished
 * registering before the call is always found; reads happen at most once per refresh interval, so a miss waits up to
 * about one interval (two when a read was already running).
 *
 * <p>Threading: {@link #resolve} never blocks. All file I/O, and the DNS lookup of a registered host name, runs on
 * this resolver's own daemon thread; returned futures complete on that thread.
 */
public final class LocalRegistryResolver implements NameResolver {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRegistryResolver.class);
    static final Duration DEFAULT_REFRESH = Duration.ofMillis(250);

    private final LocalRegistry registry;
    private final long refreshNanos;
    private final ScheduledExecutorService executor;
    private final AtomicReference<CompletableFuture<Snapshot>> pending = new AtomicReference<>();
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    public LocalRegistryResolver(LocalRegistry registry) {
        this(registry, DEFAULT_REFRESH);
    }

    LocalRegistryResolver(LocalRegistry registry, Duration refreshInterval) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.refreshNanos = refreshInterval.toNanos();
        long now = System.nanoTime();
        // "Read" long ago: the first refresh runs at once, and answers no lookup issued after construction.
        this.snapshot = new Snapshot(AddressTable.EMPTY, now - refreshNanos, now - 2 * refreshNanos - 1);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2splice-registry-resolver");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> resolve(String appId, String namespace) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("resolver is closed"));
        }
        long now = System.nanoTime();
        Snapshot s = snapshot;
        List<InetSocketAddress> hit = s.table.lookup(appId, namespace);
        if (hit != null) {
            if (now - s.loadedNanos >= refreshNanos) {
                refresh(); // answer from the snapshot now; the next call sees the fresh one
            }
            return CompletableFuture.completedFuture(hit);
        }
        return lookupAfterReadStartedAt(appId, namespace, now);
    }

    /** Completes with the app's addresses from the first snapshot whose read started at or after {@code asked}. */
    private CompletableFuture<List<InetSocketAddress>> lookupAfterReadStartedAt(String appId, String namespace,
                                                                                long asked) {
        return refresh().thenCompose(s -> {
            List<InetSocketAddress> hit = s.table.lookup(appId, namespace);
            if (hit != null) {
                return CompletableFuture.completedFuture(hit);
            }
            if (s.readStartedNanos - asked >= 0) {
                return CompletableFuture.completedFuture(List.of());
            }
            return lookupAfterReadStartedAt(appId, namespace, asked);
        });
    }

    /** Joins the scheduled read, or schedules one no sooner than one interval after the last. */
    private CompletableFuture<Snapshot> refresh() {
        for (;;) {
            CompletableFuture<Snapshot> p = pending.get();
            if (p != null) {
                return p;
            }
            CompletableFuture<Snapshot> mine = new CompletableFuture<>();
            if (pending.compareAndSet(null, mine)) {
                long delay = Math.max(0, snapshot.loadedNanos + refreshNanos - System.nanoTime());
                try {
                    executor.schedule(() -> load(mine), delay, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    pending.compareAndSet(mine, null);
                    mine.completeExceptionally(new IllegalStateException("resolver is closed"));
                }
                return mine;
            }
        }
    }

    /** Runs on the resolver thread. */
    private void load(CompletableFuture<Snapshot> mine) {
        long started = System.nanoTime();
        Snapshot next;
        try {
            next = new Snapshot(table(registry.list()), System.nanoTime(), started);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the local registry: {}", e.toString());
            next = new Snapshot(snapshot.table, System.nanoTime(), started);
        }
        snapshot = next;
        pending.compareAndSet(mine, null);
        mine.complete(next);
    }

    private static AddressTable table(List<RegistryEntry> entries) {
        Map<AppKey, List<InetSocketAddress>> map = new HashMap<>();
        for (RegistryEntry e : entries) {
            InetSocketAddress address = new InetSocketAddress(e.internalHost(), e.internalPort()); // may do DNS: we are off-loop
            if (address.isUnresolved()) {
                LOG.warn("cannot resolve host '{}' of app {} (pid {})", e.internalHost(), e.appId(), e.pid());
                continue;
            }
            map.computeIfAbsent(new AppKey(e.appId(), e.namespace()), k -> new ArrayList<>()).add(address);
        }
        return AddressTable.of(map);
    }

    /** Stops the resolver thread; pending and later lookups fail. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        CompletableFuture<Snapshot> p = pending.getAndSet(null);
        if (p != null) {
            p.completeExceptionally(new IllegalStateException("resolver is closed"));
        }
    }

    /** What one registry read found, when the read started and when it ended ({@link System#nanoTime()}). */
    private record Snapshot(AddressTable table, long loadedNanos, long readStartedNanos) {
    }
}
