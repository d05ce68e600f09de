package io.h2splice.core.resolve;

/** Entries for tests: alive by default, because they carry this JVM's pid and start time. */
final class RegistryEntries {

    static final long SELF = ProcessHandle.current().pid();
    static final long SELF_STARTED = ProcessHandle.current().info().startInstant()
            .map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());

    private RegistryEntries() {
    }

    static RegistryEntry entry(String appId, String namespace, long pid, int internalPort) {
        return new RegistryEntry(appId, namespace, pid, pid, "127.0.0.1", internalPort, 50001, 3500, 9090, 0, 0, "",
                SELF_STARTED);
    }

    static RegistryEntry self(String appId, int internalPort) {
        return entry(appId, "default", SELF, internalPort);
    }
}
