package io.h2splice.core.acl;

import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.Operation;
import io.h2splice.core.hop.PeerIdentity;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled {@code spec.accessControl}: answers whether a caller may call a method, as Dapr's {@code pkg/acl}
 * does for gRPC (operation names case-sensitive, HTTP verbs ignored), without allocating.
 *
 * <p>Order: the caller's policy is found by (app id, namespace) of its verified SPIFFE id and must have the same
 * trust domain; then the first matching operation rule decides, else the policy's {@code defaultAction}, else the
 * global {@code defaultAction}. No verified caller (no mTLS) → the global default.
 *
 * <p>Immutable and thread-safe once compiled.
 */
public final class AccessList {

    /** No {@code accessControl} section: everything allowed, nothing counted. */
    public static final AccessList NONE = new AccessList(null);

    private static final class Policy {
        final String trustDomain;
        final String namespace;
        final Boolean defaultAllow;
        final OperationTrie operations = new OperationTrie();

        Policy(AccessPolicy p) {
            trustDomain = p.trustDomain();
            namespace = p.namespace();
            defaultAllow = p.defaultAction() == null ? null : "allow".equals(p.defaultAction());
            for (Operation o : p.operations()) {
                operations.put(o.name(), "allow".equals(o.action()));
            }
        }
    }

    private final AccessControl source;
    private final boolean globalAllow;
    /** app id → namespace → policy. A later policy for the same (app id, namespace) replaces an earlier one. */
    private final Map<String, Map<String, Policy>> policies = new HashMap<>();

    private AccessList(AccessControl source) {
        this.source = source;
        this.globalAllow = source == null || !source.denyByDefault();
        if (source != null) {
            for (AccessPolicy p : source.policies()) {
                policies.computeIfAbsent(p.appId(), k -> new HashMap<>()).put(p.namespace(), new Policy(p));
            }
        }
    }

    /**
     * @param accessControl the section, or null when the configuration has none
     * @return {@link #NONE} also for a section without policies whose default allows (Dapr: no policies and default
     *         actions left empty mean no access list; allowing everything is the same decision either way)
     */
    public static AccessList compile(AccessControl accessControl) {
        boolean allowsAll = accessControl == null
                || accessControl.policies().isEmpty() && !accessControl.denyByDefault();
        return allowsAll ? NONE : new AccessList(accessControl);
    }

    /** False for {@link #NONE}. */
    public boolean isActive() {
        return source != null;
    }

    /** What this list was compiled from, or null for {@link #NONE}. */
    public AccessControl source() {
        return source;
    }

    /**
     * @param caller the verified identity of the calling sidecar, or null without mTLS
     * @param method the full method, already checked by {@link MethodPaths#isCanonical}
     */
    public Decision decide(PeerIdentity caller, CharSequence method) {
        if (source == null) {
            return Decision.NO_LIST;
        }
        Decision global = globalAllow ? Decision.GLOBAL_DEFAULT_ALLOWED : Decision.GLOBAL_DEFAULT_DENIED;
        if (caller == null || caller.appId().isEmpty()) {
            return global;
        }
        Map<String, Policy> byNamespace = policies.get(caller.appId());
        Policy p = byNamespace == null ? null : byNamespace.get(caller.namespace());
        if (p == null || !p.trustDomain.equals(caller.trustDomain())) {
            return global;
        }
        byte op = p.operations.search(method);
        if (op != OperationTrie.NO_MATCH) {
            return Decision.operation(op == OperationTrie.ALLOW, p.defaultAllow != null);
        }
        if (p.defaultAllow != null) {
            return p.defaultAllow ? Decision.APP_DEFAULT_ALLOWED : Decision.APP_DEFAULT_DENIED;
        }
        return global;
    }

    /** One line for logs: {@code global default deny, 2 policies (app1.default@public, app2.ns1@myDomain)}. */
    public String describe() {
        if (source == null) {
            return "no access list (everything allowed)";
        }
        StringBuilder b = new StringBuilder("global default ").append(source.defaultAction()).append(", ")
                .append(source.policies().size()).append(source.policies().size() == 1 ? " policy" : " policies");
        String sep = " (";
        for (AccessPolicy p : source.policies()) {
            b.append(sep).append(p.appId()).append('.').append(p.namespace()).append('@').append(p.trustDomain())
                    .append(": ").append(p.operations().size()).append(" operation(s)");
            if (p.defaultAction() != null) {
                b.append(", default ").append(p.defaultAction());
            }
            sep = "; ";
        }
        return source.policies().isEmpty() ? b.toString() : b.append(')').toString();
    }

    /** True when both were compiled from equal sections. */
    public boolean sameAs(AccessList other) {
        return other != null && Objects.equals(source, other.source);
    }
}
