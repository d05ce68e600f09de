package io.h2splice.core.resolve;

/**
 * An app in a namespace: what a {@link NameResolver} is asked about.
 *
 * @param appId     the app id, validated by {@link RegistryEntry#requireValidName}
 * @param namespace the namespace, validated the same way
 */
public record AppKey(String appId, String namespace) {

    public AppKey {
        RegistryEntry.requireValidName(appId, "app id");
        RegistryEntry.requireValidName(namespace, "namespace");
    }

    @Override
    public String toString() {
        return appId + "." + namespace;
    }
}
