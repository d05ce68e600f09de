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
    private final Map<String, Queue<List<InetSocketAddress>>> once = new ConcurrentHashMap<>();

    public MapResolver put(String appId, String namespace, InetSocketAddress... addresses) {
        entries.put(key(appId, namespace), List.of(addresses));
        return this;
    }

    /** The next lookup of (appId, namespace) answers {@code addresses}; later ones answer the entry again. */
    public MapResolver nextLookup(String appId, String namespace, InetSocketAddress... addresses) {
        once.computeIfAbsent(key(appId, namespace), k -> new ConcurrentLinkedQueue<>()).add(List.of(addresses));
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
        Queue<List<InetSocketAddress>> next = once.get(key);
        List<InetSocketAddress> answer = next == null ? null : next.poll();
        return CompletableFuture.completedFuture(answer != null ? answer : entries.getOrDefault(key, List.of()));
    }

    private static String key(String appId, String namespace) {
        return appId + '.' + namespace;
    }
}
