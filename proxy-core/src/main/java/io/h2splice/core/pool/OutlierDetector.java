package io.h2splice.core.pool;

import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Outlier ejection for the sidecar pools of one sidecar: an address of another app's sidecars whose dial or
 * handshake failed is skipped by {@link #pick} for a back-off period, so calls go to that app's other addresses.
 *
 * <p>Rules:
 * <ul>
 *   <li>A failed dial (refused, unreachable, connect timeout) or a failed handshake (TLS, peer identity, closed
 *       before the preface) ejects the address for {@link #BASE_EJECTION}; each further failure with no successful
 *       connection in between doubles the period, up to {@link #MAX_EJECTION} (1, 2, 4, 8, 16, 30, 30… s).</li>
 *   <li>Failures reported while the address is still ejected are ignored: the dials of several event loops failing
 *       together count once, and a dial made while everything was ejected does not lengthen the period.</li>
 *   <li>A successful connection ends the ejection and forgets the count. When the period ends the address is
 *       picked again; its next dial either brings it back or ejects it for twice as long.</li>
 *   <li>An address whose ejection ended more than {@link #MAX_EJECTION} ago is forgotten (its next failure starts
 *       again at the base period), so addresses of pods long gone do not pile up.</li>
 *   <li>{@link #pick} never fails a call because of ejections: when every address is ejected it returns the one
 *       whose ejection ends first.</li>
 * </ul>
 * Only sidecar pools report here; the pool to the app is never ejected (there is nowhere else to go).
 *
 * <p>Threading: shared by all event loops of the sidecar. Reads are lock-free and allocation-free (one volatile
 * read while nothing is ejected, then a {@link ConcurrentHashMap#get} per address); failures and recoveries, which
 * happen once per connection at most, update the map with compare-and-set.
 */
public final class OutlierDetector {

    /** The first ejection of an address. Short: a pod that refused once (restarting, not yet listening) costs 1 s. */
    public static final Duration BASE_EJECTION = Duration.ofSeconds(1);
    /** The longest ejection: a pod back after a restart gets calls again within 30 s. */
    public static final Duration MAX_EJECTION = Duration.ofSeconds(30);

    private static final InternalLogger log = InternalLoggerFactory.getInstance(OutlierDetector.class);
    private static final long BASE_NANOS = BASE_EJECTION.toNanos();
    private static final long MAX_NANOS = MAX_EJECTION.toNanos();

    /** One ejection, replaced (never mutated) on each change; identity equality for compare-and-set. */
    private static final class Ejection {
        /** Ejections in a row without a successful connection, from 1. */
        final int count;
        final long periodNanos;
        final long untilNanos;

        Ejection(int count, long periodNanos, long untilNanos) {
            this.count = count;
            this.periodNanos = periodNanos;
            this.untilNanos = untilNanos;
        }
    }

    private final ConcurrentHashMap<InetSocketAddress, Ejection> ejections = new ConcurrentHashMap<>();
    private final ProxyMetrics metrics;
    private final LongSupplier nanoTime;

    public OutlierDetector(ProxyMetrics metrics) {
        this(metrics, System::nanoTime);
    }

    /** @param nanoTime the clock ({@link System#nanoTime} outside tests) */
    OutlierDetector(ProxyMetrics metrics, LongSupplier nanoTime) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        metrics.trackEntries("ejected_addresses", ejections::size);
    }

    /**
     * One of {@code addresses} for the next call: round-robin over those not ejected, turn {@code turn} (a
     * per-loop counter, non-negative); when all are ejected, the one whose ejection ends first.
     *
     * @param addresses non-empty; not modified
     */
    public InetSocketAddress pick(List<InetSocketAddress> addresses, int turn) {
        int n = addresses.size();
        if (n == 1 || ejections.isEmpty()) {
            return addresses.get(turn % n);
        }
        long now = nanoTime.getAsLong();
        int healthy = 0;
        InetSocketAddress anyHealthy = null;
        InetSocketAddress soonest = null;
        long soonestUntil = 0;
        for (int i = 0; i < n; i++) {
            InetSocketAddress a = addresses.get(i);
            Ejection e = ejections.get(a);
            if (e == null || e.untilNanos - now <= 0) {
                healthy++;
                anyHealthy = a;
            } else if (soonest == null || e.untilNanos - soonestUntil < 0) {
                soonest = a;
                soonestUntil = e.untilNanos;
            }
        }
        if (healthy == n) {
            return addresses.get(turn % n);
        }
        if (healthy == 0) {
            return soonest;
        }
        int k = turn % healthy; // the k-th healthy address, so healthy ones share the calls evenly
        for (int i = 0; i < n; i++) {
            InetSocketAddress a = addresses.get(i);
            Ejection e = ejections.get(a);
            if ((e == null || e.untilNanos - now <= 0) && k-- == 0) {
                return a;
            }
        }
        return anyHealthy; // another loop ejected one meanwhile
    }

    /** True while {@code address} is ejected. */
    boolean isEjected(InetSocketAddress address) {
        Ejection e = ejections.get(address);
        return e != null && e.untilNanos - nanoTime.getAsLong() > 0;
    }

    /** A dial or handshake to {@code address} failed: ejects it unless it is ejected already. */
    void failed(InetSocketAddress address, String reason) {
        long now = nanoTime.getAsLong();
        for (;;) {
            Ejection old = ejections.get(address);
            if (old != null && old.untilNanos - now > 0) {
                return; // known already: a dial started before the ejection, or the fallback of an all-ejected pick
            }
            int count = old == null || forgotten(old, now) ? 1 : old.count + 1;
            long period = count > 6 ? MAX_NANOS : Math.min(BASE_NANOS << (count - 1), MAX_NANOS);
            Ejection next = new Ejection(count, period, now + period);
            boolean set = old == null ? ejections.putIfAbsent(address, next) == null
                    : ejections.replace(address, old, next);
            if (set) {
                metrics.sidecarEjected();
                log.info("ejected {}:{} from the sidecar pools for {} ms (ejection {} in a row): {}",
                        address.getHostString(), address.getPort(), period / 1_000_000, count, reason);
                ejections.entrySet().removeIf(x -> forgotten(x.getValue(), now));
                return;
            }
        }
    }

    /** A connection to {@code address} became usable: it is healthy again. */
    void connected(InetSocketAddress address) {
        if (ejections.isEmpty()) {
            return;
        }
        Ejection e = ejections.remove(address);
        if (e != null) {
            log.info("{}:{} is back in the sidecar pools: connected after {} ejection(s) in a row",
                    address.getHostString(), address.getPort(), e.count);
        }
    }

    private static boolean forgotten(Ejection e, long now) {
        return now - e.untilNanos > MAX_NANOS;
    }
}
