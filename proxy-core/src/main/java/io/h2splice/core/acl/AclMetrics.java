package io.h2splice.core.acl;

import io.h2splice.core.hop.PeerIdentity;
import io.h2splice.core.metrics.PrometheusText;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dapr's access-list counters, {@code dapr_runtime_acl_{app,global}_policy_action_{allowed,blocked}_total}, labelled
 * with the caller's {@code app_id}, {@code trustDomain} and {@code namespace}.
 *
 * <p>Recording is lock-free and allocation-free once a caller has its series: a {@link ConcurrentHashMap} lookup by
 * the (per-connection) {@link PeerIdentity}, then a {@link LongAdder}. At most {@link #MAX_CALLERS} callers get
 * their own series; later ones share {@code other}. Calls without a verified caller count under empty labels, as
 * Dapr's do.
 */
final class AclMetrics {

    static final int MAX_CALLERS = 256;

    private static final String PREFIX = "dapr_runtime_acl_";
    private static final String[] NAMES = {
        PREFIX + "app_policy_action_allowed_total",
        PREFIX + "app_policy_action_blocked_total",
        PREFIX + "global_policy_action_allowed_total",
        PREFIX + "global_policy_action_blocked_total",
    };
    private static final String[] HELP = {
        "The number of requests allowed by the app specific action specified in the access control policy.",
        "The number of requests blocked by the app specific action specified in the access control policy.",
        "The number of requests allowed by the global action specified in the access control policy.",
        "The number of requests blocked by the global action specified in the access control policy.",
    };

    private static final class Series {
        final String appId;
        final String trustDomain;
        final String namespace;
        final LongAdder[] counts = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

        Series(String appId, String trustDomain, String namespace) {
            this.appId = appId;
            this.trustDomain = trustDomain;
            this.namespace = namespace;
        }
    }

    private final ConcurrentHashMap<PeerIdentity, Series> byCaller = new ConcurrentHashMap<>();
    private final Series anonymous = new Series("", "", "");
    private final Series other = new Series("other", "other", "other");

    void record(Decision d, PeerIdentity caller) {
        if (d.level() == Decision.Level.NONE) {
            return;
        }
        int index = (d.appFamily() ? 0 : 2) + (d.allowed() ? 0 : 1);
        series(caller).counts[index].increment();
    }

    private Series series(PeerIdentity caller) {
        if (caller == null) {
            return anonymous;
        }
        Series s = byCaller.get(caller);
        if (s != null) {
            return s;
        }
        if (byCaller.size() >= MAX_CALLERS) {
            return other;
        }
        return byCaller.computeIfAbsent(caller, c -> new Series(c.appId(), c.trustDomain(), c.namespace()));
    }

    /** Count for tests: {@code family} 0..3 in the order of the metric names above. */
    long count(int family, String appId, String trustDomain, String namespace) {
        long n = 0;
        for (Series s : all()) {
            if (s.appId.equals(appId) && s.trustDomain.equals(trustDomain) && s.namespace.equals(namespace)) {
                n += s.counts[family].sum();
            }
        }
        return n;
    }

    private List<Series> all() {
        List<Series> out = new ArrayList<>(byCaller.size() + 2);
        out.add(anonymous);
        out.addAll(byCaller.values());
        out.add(other);
        return out;
    }

    /** The four families in the text exposition format; a family with no call counted yet is left out. */
    String render() {
        List<Series> all = all();
        StringBuilder out = new StringBuilder();
        for (int f = 0; f < NAMES.length; f++) {
            boolean header = false;
            for (Series s : all) {
                long v = s.counts[f].sum();
                if (v == 0) {
                    continue;
                }
                if (!header) {
                    PrometheusText.header(out, NAMES[f], "counter", HELP[f]);
                    header = true;
                }
                out.append(NAMES[f]).append('{');
                PrometheusText.labels(out, "app_id", s.appId, "trustDomain", s.trustDomain, "namespace", s.namespace);
                out.append("} ").append(v).append('\n');
            }
        }
        return out.toString();
    }

}
