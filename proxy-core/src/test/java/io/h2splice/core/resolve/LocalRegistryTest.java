package io.h2splice.core.resolve;

import static io.h2splice.core.resolve.RegistryEntries.SELF;
import static io.h2splice.core.resolve.RegistryEntries.entry;
import static io.h2splice.core.resolve.RegistryEntries.self;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryTest {

    @TempDir
    Path home;

    @Test
    void registerListFindUnregister() throws IOException {
        LocalRegistry registry = new LocalRegistry(home);
        assertEquals(List.of(), registry.list(), "no directory yet");

        RegistryEntry server = self("server", 50002);
        RegistryEntry client = entry("client", "prod", SELF, 50003);
        Path file = registry.register(server);
        registry.register(client);

        assertEquals(home.resolve("registry/default/server-" + SELF + ".properties"), file);
        assertEquals(List.of(server, client).size(), registry.list().size());
        assertEquals(List.of(server), registry.find("server"));
        assertEquals(List.of(client), registry.find("client", "prod"));
        assertEquals(List.of(), registry.find("client", "default"));

        assertTrue(registry.unregister(server));
        assertFalse(Files.exists(file));
        assertFalse(registry.unregister(server), "second unregister finds nothing");
        assertEquals(List.of(client), registry.list());
    }

    @Test
    void deadProcessIsIgnoredAndItsFileDeleted() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        RegistryEntry dead = entry("gone", "default", p.pid(), 50002);
        LocalRegistry registry = new LocalRegistry(home);
        Path file = registry.register(dead);
        registry.register(self("alive", 50003));

        assertEquals(List.of("alive"), registry.list().stream().map(RegistryEntry::appId).toList());
        assertFalse(Files.exists(file), "the dead sidecar's file is removed");
    }

    @Test
    void reusedPidIsTreatedAsDead() throws IOException {
        // Our pid, but the entry says the process started an hour before this JVM did.
        RegistryEntry stale = new RegistryEntry("old", "default", SELF, SELF, "127.0.0.1", 50002, 50001, 3500, 9090,
                0, 0, "", RegistryEntries.SELF_STARTED - 3_600_000);
        assertFalse(LocalRegistry.isProcessAlive(stale));
        assertTrue(LocalRegistry.isProcessAlive(self("new", 50002)));
    }

    @Test
    void registerReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        LocalRegistry registry = new LocalRegistry(home);
        registry.register(self("server", 50002));
        RegistryEntry moved = self("server", 50009);
        registry.register(moved);

        assertEquals(List.of(moved), registry.list());
        try (Stream<Path> files = Files.list(home.resolve("registry/default"))) {
            assertEquals(List.of("server-" + SELF + ".properties"),
                    files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void halfWrittenTemporaryFileIsNeverListed() throws IOException {
        LocalRegistry registry = new LocalRegistry(home);
        registry.register(self("server", 50002));
        // What a writer killed between write and move leaves behind.
        Files.writeString(home.resolve("registry/default/.server-1.properties.123.tmp"), "appId=server\npid=");
        assertEquals(List.of("server"), registry.list().stream().map(RegistryEntry::appId).toList());
    }

    @Test
    void corruptFilesAreSkippedNotThrown() throws IOException {
        LocalRegistry registry = new LocalRegistry(home, e -> true);
        registry.register(self("good", 50002));
        Path dir = home.resolve("registry/default");
        Files.writeString(dir.resolve("bad-1.properties"), "format=1\nappId=bad\npid=notanumber\n");
        Files.write(dir.resolve("binary-2.properties"), new byte[] {(byte) 0xC3, 0x28, 0x00, '\\', 'u', 'z'});
        Files.writeString(dir.resolve("mismatch-3.properties"), Files.readString(
                dir.resolve("good-" + SELF + ".properties"), StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve("nested.properties"));

        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(LocalRegistry.class.getName());
        log.addHandler(capture);
        try {
            assertEquals(List.of("good"), registry.list().stream().map(RegistryEntry::appId).toList());
            assertEquals(4, warnings.size(), "one warning per bad file");
            assertTrue(warnings.stream().anyMatch(r -> r.getMessage().contains("bad-1.properties: missing key")));
            assertTrue(warnings.stream().anyMatch(r -> r.getMessage().contains("binary-2.properties: not UTF-8")));
            assertTrue(warnings.stream().anyMatch(r -> r.getMessage().contains("does not match its content")));
            assertEquals(List.of("good"), registry.list().stream().map(RegistryEntry::appId).toList());
            assertEquals(4, warnings.size(), "the second listing is quiet");
        } finally {
            log.removeHandler(capture);
        }
        assertTrue(Files.exists(dir.resolve("bad-1.properties")), "corrupt files are left for a human to read");
    }
}
