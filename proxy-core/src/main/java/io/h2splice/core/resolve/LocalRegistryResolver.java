package io.h2splice.core.resolve;

import java.time.Duration;
import java.util.List;

/**
 * Resolves apps from the {@link LocalRegistry}: the self-hosted stand-in for Dapr's mDNS resolver. A
 * {@link SnapshotResolver} over the registry's entries, read at most every 250 ms (see there for the lookups and
 * their threading).
 */
public final class LocalRegistryResolver extends SnapshotResolver {

    static final Duration DEFAULT_REFRESH = Duration.ofMillis(250);

    public LocalRegistryResolver(LocalRegistry registry) {
        this(registry, DEFAULT_REFRESH);
    }

    LocalRegistryResolver(LocalRegistry registry, Duration refreshInterval) {
        super(source(registry), refreshInterval, "h2splice-registry-resolver");
    }

    private static Source source(LocalRegistry registry) {
        return new Source() {
            @Override
            public List<Host> read() {
                return registry.list().stream()
                        .map(e -> new Host(e.appId(), e.namespace(), e.internalHost(), e.internalPort())).toList();
            }

            @Override
            public String describe() {
                return "the local registry " + registry.directory();
            }
        };
    }
}
