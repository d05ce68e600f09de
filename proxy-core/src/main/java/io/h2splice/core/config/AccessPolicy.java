package io.h2splice.core.config;

import java.util.List;

/**
 * One entry of {@code spec.accessControl.policies}: what a calling app may do.
 *
 * @param appId         the caller's app id (required)
 * @param defaultAction {@code allow}, {@code deny} (lower case), or null to fall back to the global default
 * @param trustDomain   the caller's trust domain (required)
 * @param namespace     the caller's namespace (required)
 * @param operations    per method, in the file's order
 */
public record AccessPolicy(String appId, String defaultAction, String trustDomain, String namespace,
                           List<Operation> operations) {

    public AccessPolicy {
        appId = Actions.requireText(appId, "appId");
        trustDomain = Actions.requireText(trustDomain, "trustDomain");
        namespace = Actions.requireText(namespace, "namespace");
        defaultAction = defaultAction == null || defaultAction.isBlank()
                ? null : Actions.normalise(defaultAction, "defaultAction");
        operations = operations == null ? List.of() : List.copyOf(operations);
    }
}
