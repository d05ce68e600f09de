package io.h2splice.core.resolve;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A fixed table of apps and their sidecars' internal addresses (h2splice's {@code --resolver-file}).
 *
 * <p>Every {@link #resolve} returns an already completed future and does no I/O. Addresses must be resolved when the
 * table is built, so that no DNS lookup can happen on an event loop.
 */
public final class StaticResolver implements NameResolver {

    private final Map<AppKey, List<InetSocketAddress>> addresses;
    private final AddressTable table;

    /**
     * @param addresses app → its sidecars' internal addresses, each resolved; copied
     * @throws IllegalArgumentException when an address is unresolved or a list is empty
     */
    public StaticResolver(Map<AppKey, List<InetSocketAddress>> addresses) {
        Objects.requireNonNull(addresses, "addresses");
        Map<AppKey, List<InetSocketAddress>> copy = new HashMap<>();
        addresses.forEach((key, list) -> {
            Objects.requireNonNull(key, "key");
            if (list.isEmpty()) {
                throw new IllegalArgumentException("app " + key + " has no addresses");
            }
            for (InetSocketAddress a : list) {
                if (a.isUnresolved()) {
                    throw new IllegalArgumentException("address " + a + " of app " + key + " is unresolved");
                }
            }
            copy.put(key, List.copyOf(list));
        });
        this.addresses = Map.copyOf(copy);
        this.table = AddressTable.of(this.addresses);
    }

    /** The table this resolver answers from. */
    public Map<AppKey, List<InetSocketAddress>> addresses() {
        return addresses;
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> resolve(String appId, String namespace) {
        List<InetSocketAddress> hit = table.lookup(appId, namespace);
        return CompletableFuture.completedFuture(hit == null ? List.of() : hit);
    }

    @Override
    public String toString() {
        return "StaticResolver" + addresses;
    }
}
