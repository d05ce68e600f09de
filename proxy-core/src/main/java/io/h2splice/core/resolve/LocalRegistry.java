package io.h2splice.core.resolve;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-hosted registry of running sidecars: one {@code java.util.Properties} file per sidecar under
 * {@code <home>/registry/<namespace>/<appId>-<pid>.properties}.
 *
 * <p>A file is written to a temporary name and moved into place atomically, so a reader sees a whole entry or none.
 * {@link #list()} returns live entries only: an entry whose process is gone (or whose pid now belongs to a newer
 * process) is dropped and its file deleted. A file that cannot be read or parsed is skipped with one warning; no
 * method of this class throws because of another process's file.
 *
 * <p>Threading: every method does file I/O and blocks; never call one on an event loop ({@link LocalRegistryResolver}
 * calls them on its own thread). Instances are thread-safe; several processes may share one home directory.
 */
public final class LocalRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRegistry.class);
    private static final String SUFFIX = ".properties";
    /** A live process that started this much later than its entry says holds a reused pid. */
    private static final long PID_REUSE_SLACK_MILLIS = 5_000;

    private final Path dir;
    private final Predicate<RegistryEntry> alive;
    private final Set<Path> warned = ConcurrentHashMap.newKeySet();

    /** A registry under {@code home}; nothing is created until the first {@link #register}. */
    public LocalRegistry(Path home) {
        this(home, LocalRegistry::isProcessAlive);
    }

    LocalRegistry(Path home, Predicate<RegistryEntry> alive) {
        this.dir = Objects.requireNonNull(home, "home").resolve("registry");
        this.alive = Objects.requireNonNull(alive, "alive");
    }

    /** {@code <home>/registry}. */
    public Path directory() {
        return dir;
    }

    /**
     * Writes (or replaces) the entry's file atomically.
     *
     * @return the file written
     * @throws IOException when the directory or the file cannot be written
     */
    public Path register(RegistryEntry entry) throws IOException {
        Path nsDir = dir.resolve(entry.namespace());
        Files.createDirectories(nsDir);
        Path target = nsDir.resolve(entry.fileName());
        Path tmp = Files.createTempFile(nsDir, "." + entry.fileName() + ".", ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                RegistryCodec.encode(entry).store(w, "h2splice sidecar; removed when it stops");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * Removes the entry's file. Never throws: a failure is logged.
     *
     * @return true when a file was deleted
     */
    public boolean unregister(RegistryEntry entry) {
        Path file = dir.resolve(entry.namespace()).resolve(entry.fileName());
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot remove registry file {}: {}", file, e.toString());
            return false;
        }
    }

    /** Live entries in every namespace, oldest first. Deletes the files of dead sidecars on the way. */
    public List<RegistryEntry> list() {
        List<RegistryEntry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(dir)) {
            for (Path nsDir : namespaces) {
                if (Files.isDirectory(nsDir)) {
                    listNamespace(nsDir, out);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            warnOnce(dir, "cannot read registry directory " + dir + ": " + e);
        }
        out.sort(Comparator.comparingLong(RegistryEntry::startedEpochMillis).thenComparing(RegistryEntry::appId)
                .thenComparingLong(RegistryEntry::pid));
        return out;
    }

    /** Live entries of {@code appId} in any namespace. */
    public List<RegistryEntry> find(String appId) {
        Objects.requireNonNull(appId, "appId");
        List<RegistryEntry> out = list();
        out.removeIf(e -> !e.appId().equals(appId));
        return out;
    }

    /** Live entries of {@code appId} in {@code namespace}. */
    public List<RegistryEntry> find(String appId, String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        List<RegistryEntry> out = find(appId);
        out.removeIf(e -> !e.namespace().equals(namespace));
        return out;
    }

    private void listNamespace(Path nsDir, List<RegistryEntry> out) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(nsDir, "*" + SUFFIX)) {
            for (Path file : files) {
                if (!file.getFileName().toString().startsWith(".")) {
                    read(file).ifPresent(out::add);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            warnOnce(nsDir, "cannot read registry directory " + nsDir + ": " + e);
        }
    }

    private Optional<RegistryEntry> read(Path file) {
        RegistryEntry entry;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            entry = RegistryCodec.decode(p);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed while we listed: the sidecar stopped
        } catch (IOException | RuntimeException e) {
            warnOnce(file, "skipping unreadable registry file " + file + ": " + oneLine(e));
            return Optional.empty();
        }
        if (!file.getFileName().toString().equals(entry.fileName())
                || !file.getParent().getFileName().toString().equals(entry.namespace())) {
            warnOnce(file, "skipping registry file " + file + ": its name does not match its content ("
                    + entry.namespace() + "/" + entry.fileName() + ")");
            return Optional.empty();
        }
        warned.remove(file);
        if (!alive.test(entry)) {
            LOG.debug("removing the entry of stopped sidecar {} (pid {})", entry.appId(), entry.pid());
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                warnOnce(file, "cannot remove stale registry file " + file + ": " + e);
            }
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    private void warnOnce(Path key, String message) {
        if (warned.add(key)) {
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
    }

    private static String oneLine(Exception e) {
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The process is running and is the one that wrote the entry (not a later process given the same pid). */
    static boolean isProcessAlive(RegistryEntry entry) {
        Optional<ProcessHandle> handle = ProcessHandle.of(entry.pid());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = handle.get().info().startInstant();
        return started.isEmpty()
                || started.get().toEpochMilli() <= entry.startedEpochMillis() + PID_REUSE_SLACK_MILLIS;
    }
}
