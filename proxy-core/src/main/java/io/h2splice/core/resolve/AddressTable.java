package io.h2splice.core.resolve;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable namespace → app id → addresses table. Looking up needs no key object, so a hit allocates nothing.
 */
final class AddressTable {

    static final AddressTable EMPTY = new AddressTable(Map.of());

    private final Map<String, Map<String, List<InetSocketAddress>>> byNamespace;

    private AddressTable(Map<String, Map<String, List<InetSocketAddress>>> byNamespace) {
        this.byNamespace = byNamespace;
    }

    static AddressTable of(Map<AppKey, List<InetSocketAddress>> addresses) {
        Map<String, Map<String, List<InetSocketAddress>>> tmp = new HashMap<>();
        addresses.forEach((key, list) -> {
            if (!list.isEmpty()) {
                tmp.computeIfAbsent(key.namespace(), ns -> new HashMap<>()).put(key.appId(), List.copyOf(list));
            }
        });
        Map<String, Map<String, List<InetSocketAddress>>> frozen = new HashMap<>();
        tmp.forEach((ns, apps) -> frozen.put(ns, Map.copyOf(apps)));
        return new AddressTable(Map.copyOf(frozen));
    }

    /** @return the addresses, or null when the app is unknown in that namespace */
    List<InetSocketAddress> lookup(String appId, String namespace) {
        Map<String, List<InetSocketAddress>> apps = byNamespace.get(namespace);
        return apps == null ? null : apps.get(appId);
    }
}
