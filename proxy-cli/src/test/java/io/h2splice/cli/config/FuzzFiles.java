package io.h2splice.cli.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the loaders' fuzz tests share: one scratch file per test class, and what a clear error is. */
final class FuzzFiles {

    private FuzzFiles() {
    }

    /** A file in a fresh directory, deleted when the JVM exits; the fuzz test rewrites it for every input. */
    static Path file(String name) {
        try {
            Path dir = Files.createTempDirectory("h2splice-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line, naming the file it is about. */
    static void assertClear(ConfigException e, Path file) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), "the message does not name the file: " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), "a message of more than one line: " + m);
        assertTrue(e.getStackTrace().length == 0, "a ConfigException carries no stack trace");
    }
}
