package io.h2splice.tls.rotation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls certificate files (modification time and size) and runs {@code onChange} when any changed. Polling, not a
 * WatchService: Kubernetes updates mounted secrets by swapping symlinks, which directory watches miss.
 */
public final class FileWatch implements AutoCloseable {

    private final List<Path> files;
    private final Runnable onChange;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "h2splice-cert-files");
        t.setDaemon(true);
        return t;
    });
    private String last;

    public FileWatch(List<Path> files, long periodMillis, Runnable onChange) {
        this.files = List.copyOf(files);
        this.onChange = onChange;
        this.last = stamp();
        executor.scheduleWithFixedDelay(this::poll, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        String now = stamp();
        if (!now.equals(last)) {
            last = now;
            onChange.run();
        }
    }

    private String stamp() {
        StringBuilder sb = new StringBuilder();
        for (Path p : files) {
            try {
                // Follows symlinks: a swapped ..data link changes the target's time.
                sb.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p)).append(';');
            } catch (IOException e) {
                sb.append("missing;");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
