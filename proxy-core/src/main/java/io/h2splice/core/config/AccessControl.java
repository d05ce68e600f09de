package io.h2splice.core.config;

import java.util.List;

/**
 * {@code spec.accessControl}.
 *
 * @param defaultAction {@code allow} or {@code deny} (lower case). Left out: {@code deny} when there are policies,
 *                      else {@code allow} (Dapr's {@code pkg/acl}); pass null to get that default
 * @param trustDomain   this app's trust domain, also used for its certificate; default {@code public}
 * @param policies      per calling app
 */
public record AccessControl(String defaultAction, String trustDomain, List<AccessPolicy> policies) {

    public static final String DEFAULT_TRUST_DOMAIN = "public";

    public AccessControl {
        policies = policies == null ? List.of() : List.copyOf(policies);
        defaultAction = defaultAction == null || defaultAction.isBlank()
                ? (policies.isEmpty() ? Actions.ALLOW : Actions.DENY)
                : Actions.normalise(defaultAction, "defaultAction");
        trustDomain = trustDomain == null || trustDomain.isBlank() ? DEFAULT_TRUST_DOMAIN : trustDomain.strip();
    }

    /** True when the global default is {@code deny}. */
    public boolean denyByDefault() {
        return Actions.DENY.equals(defaultAction);
    }
}
