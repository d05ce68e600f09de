package io.h2splice.core.acl;

import io.h2splice.core.hop.PeerIdentity;

import io.h2splice.core.routing.Route;
import io.h2splice.core.status.ProxyError;

import java.util.Objects;

/**
 * The access list a sidecar enforces now, and its counters. {@link #swap} replaces the list atomically (a volatile
 * write): a call reads the list once, on its HEADERS, so calls already running are never re-checked.
 */
public final class AccessListHolder {

    private final AclMetrics metrics = new AclMetrics();
    private volatile AccessList current;

    public AccessListHolder(AccessList initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    public AccessList current() {
        return current;
    }

    /** @return the list it replaced */
    public AccessList swap(AccessList next) {
        AccessList previous = current;
        current = Objects.requireNonNull(next, "next");
        return previous;
    }

    /**
     * Checks a call against the list in force, on its HEADERS, and counts the decision.
     *
     * @param caller the verified identity of the calling sidecar, or null (no mTLS, or a call of the app to itself
     *               on the API port: Dapr's global default decides)
     * @return null when the call may go on (no list, or allowed); else the error to answer with
     */
    public Route refusal(PeerIdentity caller, CharSequence path) {
        AccessList acl = current;
        if (!acl.isActive()) {
            return null;
        }
        if (!MethodPaths.isCanonical(path)) {
            return Route.error(ProxyError.INVALID_METHOD, path);
        }
        Decision d = acl.decide(caller, path);
        metrics.record(d, caller);
        return d.allowed() ? null : Route.error(ProxyError.PERMISSION_DENIED, caller == null ? "" : caller.spiffeId(),
                path);
    }

    /** Counts one decision in Dapr's families (lock-free, allocation-free once the caller has a series). */
    public void record(Decision d, PeerIdentity caller) {
        metrics.record(d, caller);
    }

    /** The {@code dapr_runtime_acl_*} families for the metrics page; empty until a call was checked. */
    public String metricsText() {
        return metrics.render();
    }
}
