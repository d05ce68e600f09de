package io.h2splice.tls.ca;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files that appear whole or not at all: written to a temporary file in the same directory, flushed to disk, then
 * renamed over the target. Permissions are set when the file is created, so a key is never readable by others, not
 * even for a moment. On a file system without POSIX permissions the modes are skipped.
 */
final class AtomicFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AtomicFiles() {
    }

    /** Writes {@code data} to {@code file} with {@code mode}, replacing any file there. */
    static void write(Path file, byte[] data, Set<PosixFilePermission> mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes(mode));
        try {
            writeNew(tmp, data);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code file}, which must not exist, with {@code data} and {@code mode}, and flushes it to disk. */
    static void create(Path file, byte[] data, Set<PosixFilePermission> mode) throws IOException {
        Files.createFile(file, attributes(mode));
        writeNew(file, data);
    }

    /** A new private directory ({@code 0700}) next to {@code target}, named after it. */
    static Path createSiblingDirectory(Path target, String purpose) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, "." + target.getFileName() + "." + purpose + ".",
                attributes(OWNER_ONLY_DIR));
    }

    /** Deletes {@code dir} and everything in it, if it exists. Best effort: a file that cannot go stays. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Left behind; it holds nothing the next init or run needs.
                }
            });
        } catch (IOException ignored) {
            // As above.
        }
    }

    /** Flushes a directory's entries (renames) to disk where the platform allows it. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }

    static boolean posix() {
        return POSIX;
    }

    private static void writeNew(Path file, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }
}
