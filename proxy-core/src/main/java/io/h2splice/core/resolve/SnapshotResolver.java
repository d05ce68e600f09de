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
 * Resolves apps from an in-memory snapshot of a table of hosts that other processes write ({@link Source}): the
 * {@link LocalRegistry} ({@link LocalRegistryResolver}), or Dapr's SQLite name-resolution table.
 *
 * <p>Answers come from the snapshot. A hit returns an already completed future, without I/O
 * or locking; when the snapshot is older than the refresh interval the hit also starts a background
 * refresh. A miss is answered by a read that <em>started after the lookup</em>, so a sidecar that finished
 * registering before the call is always found; reads happen at most once per refresh interval, so a miss waits up to
 * about one interval (two when a read was already running).
 *
 * <p>Threading: {@link #resolve} never blocks. All reads of the source, and the DNS lookup of a host name, run on this
 * resolver's own daemon thread; returned futures complete on that thread.
 */
public class SnapshotResolver implements NameResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotResolver.class);
    /** Where the hosts are read from; called on the resolver's thread only. */
    @FunctionalInterface
    public interface Source {
        /** Every host known now; may block (file or database I/O). */
        List<Host> read() throws Exception;

        /** What it reads, for log lines: e.g. "the local registry". */
        default String describe() {
            return "the host table";
        }
    }

    /** One sidecar: its app, namespace, and the internal address other sidecars dial. */
    public record Host(String appId, String namespace, String host, int port) {
    }

    private final Source source;
    private final long refreshNanos;
    private final ScheduledExecutorService executor;
    private final AtomicReference<CompletableFuture<Snapshot>> pending = new AtomicReference<>();
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    /** @param threadName the name of the resolver's own thread, which runs {@code source} */
    protected SnapshotResolver(Source source, Duration refreshInterval, String threadName) {
        this.source = Objects.requireNonNull(source, "source");
        this.refreshNanos = refreshInterval.toNanos();
        long now = System.nanoTime();
        // "Read" long ago: the first refresh runs at once, and answers no lookup issued after construction.
        this.snapshot = new Snapshot(AddressTable.EMPTY, now - refreshNanos, now - 2 * refreshNanos - 1);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
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
            next = new Snapshot(table(source.read()), System.nanoTime(), started);
        } catch (Exception e) {
            LOG.warn("cannot read {}: {}", source.describe(), e.toString());
            next = new Snapshot(snapshot.table, System.nanoTime(), started);
        }
        snapshot = next;
        pending.compareAndSet(mine, null);
        mine.complete(next);
    }

    private AddressTable table(List<Host> hosts) {
        Map<AppKey, List<InetSocketAddress>> map = new HashMap<>();
        for (Host h : hosts) {
            InetSocketAddress address = new InetSocketAddress(h.host(), h.port()); // may do DNS: we are off-loop
            if (address.isUnresolved()) {
                LOG.warn("cannot resolve host '{}' of app {} in {}", h.host(), h.appId(), source.describe());
                continue;
            }
            AppKey key;
            try {
                key = new AppKey(h.appId(), h.namespace());
            } catch (IllegalArgumentException e) { // another program's row (daprd's, say) that no call can name
                LOG.warn("skipping app '{}' in {}: {}", h.appId(), source.describe(), e.getMessage());
                continue;
            }
            map.computeIfAbsent(key, k -> new ArrayList<>()).add(address);
        }
        return AddressTable.of(map);
    }

    /** Stops the resolver thread; pending and later lookups fail. Subclasses that override call this too. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        CompletableFuture<Snapshot> p = pending.getAndSet(null);
        if (p != null) {
            p.completeExceptionally(new IllegalStateException("resolver is closed"));
        }
    }

    /** What one read found, when the read started and when it ended ({@link System#nanoTime()}). */
    private record Snapshot(AddressTable table, long loadedNanos, long readStartedNanos) {
    }
}
