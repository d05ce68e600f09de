package io.h2splice.core.acl;

/**
 * The outcome of one access-list check: allowed or not, which level decided, and which of Dapr's metric families
 * counts it. Dapr counts a call in the {@code app} family only when the caller's policy has its own
 * {@code defaultAction}; an operation rule of a policy without one is counted as {@code global}.
 */
public enum Decision {
    /** No access list is configured: everything is allowed and nothing is counted. */
    NO_LIST(true, Level.NONE, false),
    OPERATION_ALLOWED(true, Level.OPERATION, true),
    OPERATION_DENIED(false, Level.OPERATION, true),
    OPERATION_ALLOWED_COUNTED_GLOBAL(true, Level.OPERATION, false),
    OPERATION_DENIED_COUNTED_GLOBAL(false, Level.OPERATION, false),
    APP_DEFAULT_ALLOWED(true, Level.APP_DEFAULT, true),
    APP_DEFAULT_DENIED(false, Level.APP_DEFAULT, true),
    GLOBAL_DEFAULT_ALLOWED(true, Level.GLOBAL_DEFAULT, false),
    GLOBAL_DEFAULT_DENIED(false, Level.GLOBAL_DEFAULT, false);

    /** Which rule decided, most specific first. */
    public enum Level { NONE, OPERATION, APP_DEFAULT, GLOBAL_DEFAULT }

    private final boolean allowed;
    private final Level level;
    private final boolean appFamily;

    Decision(boolean allowed, Level level, boolean appFamily) {
        this.allowed = allowed;
        this.level = level;
        this.appFamily = appFamily;
    }

    public boolean allowed() {
        return allowed;
    }

    public Level level() {
        return level;
    }

    /** True when counted in {@code dapr_runtime_acl_app_policy_*}, false for {@code ..._global_policy_*} or none. */
    public boolean appFamily() {
        return appFamily;
    }

    static Decision operation(boolean allowed, boolean policyHasDefault) {
        if (policyHasDefault) {
            return allowed ? OPERATION_ALLOWED : OPERATION_DENIED;
        }
        return allowed ? OPERATION_ALLOWED_COUNTED_GLOBAL : OPERATION_DENIED_COUNTED_GLOBAL;
    }
}
