package io.h2splice.cli.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * What every line of this process carries, as daprd's: {@code app_id}, {@code instance} (the host name) and
 * {@code ver}; and the zone the {@code time} is written in.
 *
 * @param appId    {@code --app-id}; empty for commands without one
 * @param instance the host name
 * @param version  h2splice's version
 * @param zone     the local zone
 */
record LogFields(String appId, String instance, String version, ZoneId zone) {

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    LogFields {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(zone, "zone");
    }

    /**
     * The host name as Go's {@code os.Hostname} gives it to daprd (the kernel's, on Linux), else {@code HOSTNAME}
     * from {@code env}, else {@code localhost}. Never a DNS lookup: it runs before the sidecar is ready.
     */
    static String hostname(Map<String, String> env) {
        try {
            String h = Files.readString(KERNEL_HOSTNAME, StandardCharsets.UTF_8).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no /proc: fall through.
        }
        String h = env.get("HOSTNAME");
        return h == null || h.isBlank() ? "localhost" : h.strip();
    }
}
