package io.h2splice.cli.run;

import io.h2splice.cli.config.ConfigException;
import io.h2splice.cli.config.ConfigurationFile;
import io.h2splice.core.acl.AccessList;
import io.h2splice.core.acl.AccessListHolder;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.DaprConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads {@code --config} on {@code SIGHUP} and when the file changes (modification time or size, polled), and
 * swaps the access list atomically. Only the access list is reloaded: other sections that changed are named in the
 * log line, as needing a restart. A file that does not parse keeps the list in force and logs one warning line
 * with the file, line and problem.
 *
 * <p>Threading: polling and reloading run on one daemon thread; {@link #requestReload} only queues a reload there.
 */
final class ConfigReload implements AutoCloseable {

    static final long POLL_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.run");

    private final Path file;
    private final DaprConfiguration started;
    private final AccessListHolder accessLists;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "h2splice-config-reload");
        t.setDaemon(true);
        return t;
    });
    private String stamp;

    /**
     * @param file        the {@code --config} file
     * @param started     what the sidecar was started with (sections other than the access list stay in force)
     * @param accessLists where the access list the internal listener enforces lives
     */
    ConfigReload(Path file, DaprConfiguration started, AccessListHolder accessLists, long pollMillis) {
        this.file = file;
        this.started = started;
        this.accessLists = accessLists;
        this.stamp = stamp();
        executor.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** Queues a reload (from a signal handler: returns at once). */
    void requestReload(String why) {
        try {
            executor.execute(() -> {
                stamp = stamp();
                reload(why);
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void poll() {
        String now = stamp();
        if (!now.equals(stamp)) {
            stamp = now;
            reload("file changed");
        }
    }

    private void reload(String why) {
        DaprConfiguration next;
        try {
            next = ConfigurationFile.read(file, ignored -> { });
        } catch (ConfigException e) {
            LOG.warn("--config not reloaded (" + why + "), the access list in force stays: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warn("--config not reloaded (" + why + "), the access list in force stays: " + file + ": " + e);
            return;
        }
        AccessList list = AccessList.compile(next.accessControl());
        List<String> restart = needRestart(started, next);
        String tail = restart.isEmpty() ? "" : "; " + String.join(", ", restart)
                + " changed too: only the access list is reloaded, the rest needs a restart";
        if (list.sameAs(accessLists.current())) {
            LOG.info("--config reloaded (" + why + "): access list unchanged" + tail);
        } else {
            AccessList old = accessLists.swap(list);
            LOG.info("--config reloaded (" + why + "): access list now " + list.describe() + " (was "
                    + old.describe() + ")" + tail);
        }
    }

    /** The sections of {@code next} that differ from what is in force and that a reload does not apply. */
    static List<String> needRestart(DaprConfiguration running, DaprConfiguration next) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(trustDomain(running.accessControl()), trustDomain(next.accessControl()))) {
            out.add("spec.accessControl.trustDomain");
        }
        if (!running.tracing().equals(next.tracing())) {
            out.add("spec.tracing");
        }
        if (!running.mtls().equals(next.mtls())) {
            out.add("spec.mtls");
        }
        if (!Objects.equals(running.nameResolution(), next.nameResolution())) {
            out.add("spec.nameResolution");
        }
        if (running.metricsEnabled() != next.metricsEnabled()
                || !running.latencyBuckets().equals(next.latencyBuckets())) {
            out.add("spec.metric");
        }
        return out;
    }

    private static String trustDomain(AccessControl ac) {
        return ac == null ? AccessControl.DEFAULT_TRUST_DOMAIN : ac.trustDomain();
    }

    private String stamp() {
        try {
            // Follows symlinks: a swapped ConfigMap ..data link changes the target's time.
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
