package io.h2splice.core.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.hop.PeerIdentity;
import org.junit.jupiter.api.Test;

/** Bounded label sets: the first {@link AclMetrics#MAX_CALLERS} callers get their own series, the rest {@code other}. */
class AclMetricsTest {

    @Test
    void callersBeyondTheCapShareOther() {
        AclMetrics m = new AclMetrics();
        int extra = 10;
        for (int i = 0; i < AclMetrics.MAX_CALLERS + extra; i++) {
            PeerIdentity p = new PeerIdentity("spiffe://public/ns/default/app" + i, "public", "default", "app" + i);
            m.record(Decision.APP_DEFAULT_DENIED, p);
            m.record(Decision.APP_DEFAULT_DENIED, p);
        }
        assertEquals(2, m.count(1, "app0", "public", "default"));
        assertEquals(0, m.count(1, "app" + AclMetrics.MAX_CALLERS, "public", "default"));
        assertEquals(2L * extra, m.count(1, "other", "other", "other"));
        String text = m.render();
        assertEquals(AclMetrics.MAX_CALLERS + 1, text.lines().filter(l -> !l.startsWith("#")).count(), text);
        assertTrue(text.contains("dapr_runtime_acl_app_policy_action_blocked_total{app_id=\"other\","
                + "trustDomain=\"other\",namespace=\"other\"} " + 2 * extra + "\n"), text);
    }

    @Test
    void noListCountsNothing() {
        AclMetrics m = new AclMetrics();
        m.record(Decision.NO_LIST, null);
        assertEquals("", m.render());
    }
}
