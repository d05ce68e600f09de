package io.h2splice.core.resolve;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dapr's kubernetes name resolver: an app's sidecars are every A/AAAA address of the headless Service
 * {@code <app-id>-dapr.<namespace>.svc.<cluster-domain>} (or of a {@link KubernetesNaming template}), each at this
 * sidecar's internal gRPC port.
 *
 * <p>Caching, per (app id, namespace):
 * <ul>
 *   <li>An answer is kept for its smallest TTL, at least {@link #MIN_CACHE} and at most {@link #MAX_CACHE} (Dapr's
 *       20 s cache). A name in use is looked up again in the background when three quarters of that time have
 *       passed, so calls are answered from the cache, never waiting for DNS, while the name keeps being used.</li>
 *   <li>The addresses are kept in a stable order (IPv4, then IPv6, each by value), whatever order the server sends
 *       them in; an unchanged answer keeps the same list, so round-robin over it carries on undisturbed.</li>
 *   <li>A failed refresh keeps the last good answer for {@link #KEEP_STALE} (5 min) after it expired, retrying with
 *       a back-off of 1, 2, 4… s up to 20 s, with one warning per failed try: a DNS outage does not fail calls to pods
 *       that still run (those that do not are ejected by the pools' outlier detection). Any failure counts,
 *       {@code NXDOMAIN} included.</li>
 *   <li>A name that has no answer (the first lookup, or one kept too long) makes its calls wait for a lookup. If
 *       it fails, they fail with its reason ({@code lookup <name>: no such host}), and so do the calls of the next
 *       {@link #NEGATIVE_CACHE} (1 s) without asking the server again.</li>
 *   <li>A name nobody asked for during {@link #IDLE} (2 min) is dropped and no longer refreshed.</li>
 * </ul>
 *
 * <p>Threading: {@link #resolve} is called on event loops and never blocks them: a cached answer is returned as a
 * completed future after two map reads; otherwise the future completes on this resolver's own single DNS thread
 * ({@code h2splice-dns}, NIO), which does every lookup and every change of an entry. Readers see entries through
 * volatile fields.
 */
public final class KubernetesDnsResolver implements NameResolver {

    /** Dapr's cache of multi-address answers: the longest an answer is used before asking again. */
    public static final Duration MAX_CACHE = Duration.ofSeconds(20);
    /** The shortest: a TTL of 0 would otherwise mean a lookup per call. */
    public static final Duration MIN_CACHE = Duration.ofSeconds(1);
    /** How long after it expired an answer is still used while refreshing it fails. */
    public static final Duration KEEP_STALE = Duration.ofMinutes(5);
    /** How long a failed lookup of a name without an answer answers that name's calls. */
    public static final Duration NEGATIVE_CACHE = Duration.ofSeconds(1);
    /** A name not asked for during this long is dropped. */
    public static final Duration IDLE = Duration.ofMinutes(2);
    /**
     * Names kept at most before a new one first drops those that never resolved (unknown app ids, a flood of them
     * being the way to grow this map): a name with an answer is kept until it idles out. After a sweep the bound is
     * twice what is left, so sweeps stay rare.
     */
    static final int MAX_NAMES = 4096;
    /** How long one DNS query may take (Netty's default, and Go's per-try timeout is about as long). */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesDnsResolver.class);
    private static final long MAX_BACKOFF_NANOS = MAX_CACHE.toNanos();
    /** Writes of {@link Entry#lastAskedNanos} at most this often, so busy names do not bounce a cache line. */
    private static final long TOUCH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final KubernetesNaming naming;
    private final int port;
    private final String server;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final DnsLookup lookup;
    /** namespace → app id → entry: looked up without allocating a key. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> entries = new ConcurrentHashMap<>();
    /** Entries in {@link #entries}, all namespaces. */
    private final AtomicInteger names = new AtomicInteger();
    /** Set while a sweep is queued on the DNS thread. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** The DNS thread's bound; read by any thread. */
    private volatile int sweepAt = MAX_NAMES;
    private volatile boolean closed;

    /**
     * Starts the DNS thread.
     *
     * @param naming    how names are built
     * @param port      this sidecar's internal gRPC port: the port of every address found (unless a template
     *                  gives one), as Dapr assumes every sidecar uses the same internal port
     * @param dnsServer the DNS server to ask, or null for the system's ({@code /etc/resolv.conf})
     */
    public KubernetesDnsResolver(KubernetesNaming naming, int port, InetSocketAddress dnsServer) {
        this(naming, port, dnsServer, QUERY_TIMEOUT);
    }

    KubernetesDnsResolver(KubernetesNaming naming, int port, InetSocketAddress dnsServer, Duration queryTimeout) {
        this.naming = Objects.requireNonNull(naming, "naming");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("internal port must be in 1..65535, got " + port);
        }
        this.port = port;
        this.server = dnsServer == null ? "the system's DNS servers" : dnsServer.getHostString() + ":"
                + dnsServer.getPort();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("h2splice-dns", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        DnsLookup l;
        try {
            l = new DnsLookup(loop, dnsServer, queryTimeout);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        this.lookup = l;
    }

    /** For the start-up log. */
    public String describe() {
        return "kubernetes DNS: " + naming.describe() + ", port " + port + ", asking " + server;
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> resolve(String appId, String namespace) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("resolver is closed"));
        }
        long now = System.nanoTime();
        Entry e = entry(appId, namespace);
        if (e == null) {
            return CompletableFuture.failedFuture(new UnknownHostException(invalidTarget(appId, namespace)));
        }
        if (now - e.lastAskedNanos >= TOUCH_NANOS) {
            e.lastAskedNanos = now;
        }
        Answer a = e.answer;
        if (a != null && a.usableAt(now)) {
            return CompletableFuture.completedFuture(a.addresses);
        }
        Failure f = e.failure;
        if (a == null && f != null && now - f.atNanos < NEGATIVE_CACHE.toNanos()) {
            return CompletableFuture.failedFuture(f.error);
        }
        CompletableFuture<List<InetSocketAddress>> next = e.next; // completed by the first lookup that ends from now
        try {
            loop.execute(() -> queryUnlessRunning(e));
        } catch (RejectedExecutionException closing) {
            return CompletableFuture.failedFuture(new IllegalStateException("resolver is closed"));
        }
        return next;
    }

    private Entry entry(String appId, String namespace) {
        ConcurrentHashMap<String, Entry> apps = entries.get(namespace);
        Entry e = apps == null ? null : apps.get(appId);
        if (e != null) {
            return e;
        }
        KubernetesNaming.Target target;
        try {
            target = naming.target(appId, namespace, port);
        } catch (IllegalArgumentException bad) {
            return null;
        }
        Entry made = entries.computeIfAbsent(namespace, ns -> new ConcurrentHashMap<>())
                .computeIfAbsent(appId, id -> {
                    names.incrementAndGet();
                    return new Entry(appId, namespace, target, System.nanoTime());
                });
        if (names.get() > sweepAt && sweeping.compareAndSet(false, true)) {
            try {
                loop.execute(this::sweepUnresolved);
            } catch (RejectedExecutionException closing) {
                sweeping.set(false);
            }
        }
        return made;
    }

    /** On the DNS thread: drops the names that have no answer and no lookup under way (see {@link #MAX_NAMES}). */
    private void sweepUnresolved() {
        sweeping.set(false);
        int dropped = 0;
        for (ConcurrentHashMap<String, Entry> apps : entries.values()) {
            for (Entry e : apps.values()) {
                if (e.answer == null && !e.querying && apps.remove(e.appId, e)) {
                    if (e.timer != null) {
                        e.timer.cancel(false);
                        e.timer = null;
                    }
                    dropped++;
                }
            }
        }
        int left = names.addAndGet(-dropped);
        sweepAt = Math.max(MAX_NAMES, 2 * left);
        LOG.debug("dropped {} names that never resolved; {} kept", dropped, left);
    }

    /** Names kept now (tests). */
    int nameCount() {
        return names.get();
    }

    private String invalidTarget(String appId, String namespace) {
        try {
            naming.target(appId, namespace, port);
            return "cannot build a name for " + appId + "." + namespace;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    // === on the DNS thread ===

    private void queryUnlessRunning(Entry e) {
        assert loop.inEventLoop();
        if (!e.querying && !closed) {
            e.querying = true;
            Future<DnsLookup.Answer> f = lookup.lookup(e.target);
            f.addListener(done -> onLookup(e, f));
        }
    }

    private void onLookup(Entry e, Future<DnsLookup.Answer> f) {
        e.querying = false;
        if (closed) {
            return; // close() fails the waiting futures
        }
        long now = System.nanoTime();
        CompletableFuture<List<InetSocketAddress>> waiting = e.next;
        e.next = new CompletableFuture<>();
        if (f.isSuccess()) {
            Answer a = answered(e, f.getNow(), now);
            schedule(e, a.lifetimeNanos - a.lifetimeNanos / 4);
            waiting.complete(a.addresses);
            return;
        }
        Throwable error = f.cause() instanceof UnknownHostException ? f.cause()
                : new UnknownHostException("lookup " + e.target.host() + ": " + DnsLookup.reason(f.cause()));
        e.failure = new Failure(error, now);
        e.failures++;
        Answer a = e.answer;
        if (a != null && a.usableAt(now)) {
            long backoff = Math.min(MAX_BACKOFF_NANOS, TimeUnit.SECONDS.toNanos(1L << Math.min(e.failures - 1, 5)));
            LOG.warn("cannot refresh the addresses of {}: {}; still using the {} found {} s ago (at most {} s "
                            + "more), trying again in {} s", e, error.getMessage(), a.addresses.size(),
                    TimeUnit.NANOSECONDS.toSeconds(now - a.atNanos),
                    TimeUnit.NANOSECONDS.toSeconds(a.atNanos + a.lifetimeNanos + KEEP_STALE.toNanos() - now),
                    TimeUnit.NANOSECONDS.toSeconds(backoff));
            schedule(e, backoff);
            waiting.complete(a.addresses);
            return;
        }
        if (a != null) {
            LOG.warn("cannot refresh the addresses of {}: {}; the last ones, found {} s ago, are no longer used", e,
                    error.getMessage(), TimeUnit.NANOSECONDS.toSeconds(now - a.atNanos));
            e.answer = null;
        } else {
            LOG.debug("cannot resolve {}: {}", e, error.getMessage());
        }
        schedule(e, IDLE.toNanos()); // only to drop the entry once idle: calls ask again themselves
        waiting.completeExceptionally(error);
    }

    /** Stores a good answer; an unchanged set of addresses keeps its list (and so its order). */
    private Answer answered(Entry e, DnsLookup.Answer dns, long now) {
        List<InetSocketAddress> found = new ArrayList<>(dns.addresses().size());
        for (InetAddress ip : dns.addresses()) {
            found.add(new InetSocketAddress(ip, e.target.port()));
        }
        Answer old = e.answer;
        List<InetSocketAddress> list = old != null && old.addresses.equals(found) ? old.addresses : List.copyOf(found);
        long lifetime = Math.max(MIN_CACHE.toNanos(),
                Math.min(MAX_CACHE.toNanos(), TimeUnit.SECONDS.toNanos(Math.min(dns.ttlSeconds(), 1L << 31))));
        if (old == null || old.addresses != list) {
            LOG.info("{} is {} ({} address{})", e, format(list), list.size(), list.size() == 1 ? "" : "es");
        }
        if (e.failures > 0 && old != null) {
            LOG.info("addresses of {} refreshed again after {} failed tr{}", e, e.failures,
                    e.failures == 1 ? "y" : "ies");
        }
        Answer a = new Answer(list, now, lifetime);
        e.answer = a;
        e.failure = null;
        e.failures = 0;
        return a;
    }

    /** {@code [10.0.0.1:50002, 10.0.0.2:50002]}: addresses without the slash of {@link InetAddress#toString}. */
    private static String format(List<InetSocketAddress> list) {
        StringBuilder b = new StringBuilder("[");
        for (InetSocketAddress a : list) {
            b.append(b.length() > 1 ? ", " : "").append(NetUtil.toSocketAddressString(a));
        }
        return b.append(']').toString();
    }

    private void schedule(Entry e, long delayNanos) {
        if (e.timer != null) {
            e.timer.cancel(false);
        }
        e.timer = loop.schedule(() -> tick(e), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The entry's timer: drop it when idle, else refresh a name that has an answer. */
    private void tick(Entry e) {
        e.timer = null;
        if (closed) {
            return;
        }
        if (System.nanoTime() - e.lastAskedNanos >= IDLE.toNanos()) {
            ConcurrentHashMap<String, Entry> apps = entries.get(e.namespace);
            if (apps != null && apps.remove(e.appId, e)) { // a call holding it still gets an answer
                names.decrementAndGet();
            }
            LOG.debug("{} was not asked for in {} s: no longer refreshed", e, IDLE.toSeconds());
            return;
        }
        if (e.answer != null) {
            queryUnlessRunning(e);
        } else {
            schedule(e, IDLE.toNanos());
        }
    }

    /** Stops the DNS thread; waiting and later lookups fail. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(lookup::close).awaitUninterruptibly(2, TimeUnit.SECONDS);
        } catch (RejectedExecutionException alreadyStopping) {
            // the group is shutting down: its channels close with it
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        IllegalStateException error = new IllegalStateException("resolver is closed");
        entries.values().forEach(apps -> apps.values().forEach(e -> e.next.completeExceptionally(error)));
    }

    @Override
    public String toString() {
        return "KubernetesDnsResolver[" + describe() + "]";
    }

    // === state ===

    /** One name. Volatile fields are read by callers; the rest is confined to the DNS thread. */
    private static final class Entry {
        final String appId;
        final String namespace;
        final KubernetesNaming.Target target;
        volatile Answer answer;
        volatile Failure failure;
        volatile long lastAskedNanos;
        /** Completed (then replaced) by the end of the next lookup, good or bad. */
        volatile CompletableFuture<List<InetSocketAddress>> next = new CompletableFuture<>();
        boolean querying;
        int failures;
        ScheduledFuture<?> timer;

        Entry(String appId, String namespace, KubernetesNaming.Target target, long now) {
            this.appId = appId;
            this.namespace = namespace;
            this.target = target;
            this.lastAskedNanos = now;
        }

        @Override
        public String toString() {
            return appId + "." + namespace + " (" + target.host() + ")";
        }
    }

    /** A good answer: its addresses, when it was found and how long it is fresh ({@link System#nanoTime}). */
    private record Answer(List<InetSocketAddress> addresses, long atNanos, long lifetimeNanos) {

        /** Fresh, or expired less than {@link #KEEP_STALE} ago (only while refreshes fail: they start before). */
        boolean usableAt(long now) {
            return now - atNanos < lifetimeNanos + KEEP_STALE.toNanos();
        }
    }

    private record Failure(Throwable error, long atNanos) {
    }
}
