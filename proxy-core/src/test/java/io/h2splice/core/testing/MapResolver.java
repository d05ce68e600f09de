package io.h2splice.core.testing;

import io.h2splice.core.resolve.NameResolver;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A {@link NameResolver} backed by a map, for tests; it also remembers every lookup ({@code appId.namespace}). */
public final class MapResolver implements NameResolver {

    private final Map<String, List<InetSocketAddress>> entries = new ConcurrentHashMap<>();
    private final Queue<String> lookups = new ConcurrentLinkedQueue<>();

    public MapResolver put(String appId, String namespace, InetSocketAddress... addresses) {
        entries.put(key(appId, namespace), List.of(addresses));
        return this;
    }

    public MapResolver remove(String appId, String namespace) {
        entries.remove(key(appId, namespace));
        return this;
    }

    /** Every (appId, namespace) looked up so far, as {@code appId.namespace}, in order. */
    public List<String> lookups() {
        return List.copyOf(lookups);
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> resolve(String appId, String namespace) {
        String key = key(appId, namespace);
        lookups.add(key);
        return CompletableFuture.completedFuture(entries.getOrDefault(key, List.of()));
    }

    private static String key(String appId, String namespace) {
        return appId + '.' + namespace;
    }
}
