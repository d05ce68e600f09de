package io.h2splice.cli.sqlite;

import io.h2splice.core.resolve.SnapshotResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves apps from Dapr's SQLite name-resolution table, and keeps this sidecar in it once
 * {@linkplain #announce announced}: registered, renewed every {@code updateInterval − timeout − 1 s} (as daprd),
 * removed on {@link #close()}. Lookups ignore the namespace, as Dapr's SQLite resolver does (it writes ""), and answer
 * from a snapshot of the fresh rows ({@link SnapshotResolver}, read at most every 250 ms on the resolver's thread).
 * Registration runs on a thread of its own with a connection of its own.
 */
public final class SqliteResolver extends SnapshotResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteResolver.class);
    private static final Duration REFRESH = Duration.ofMillis(250);
    /** The one namespace every row is read into and every lookup asks in: Dapr's SQLite table has none. */
    private static final String ALL = "all";

    private final SqliteSettings settings;
    private final ScheduledExecutorService registration;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Touched on the registration thread only. */
    private SqliteHosts writer;
    private String registrationId;
    private String address;

    public SqliteResolver(SqliteSettings settings) {
        super(new Reader(settings), REFRESH, "h2splice-sqlite-resolver");
        this.settings = settings;
        this.registration = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2splice-sqlite-registration");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> resolve(String appId, String namespace) {
        return super.resolve(appId, ALL);
    }

    @Override
    public void announce(String appId, String namespace, String internal) {
        Duration every = settings.updateInterval().minus(settings.timeout()).minusSeconds(1);
        try {
            registration.submit(() -> {
                writer = new SqliteHosts(settings);
                registrationId = UUID.randomUUID().toString();
                address = internal;
                writer.register(registrationId, address, appId);
                return null;
            }).get(settings.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot register in the SQLite name resolution database "
                    + settings.connectionString() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering in " + settings.connectionString());
        }
        registration.scheduleWithFixedDelay(() -> renew(appId), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("registered app '{}' at {} in the SQLite name resolution database {}", appId, internal,
                settings.connectionString());
    }

    /** On the registration thread. A row that is gone (taken over, cleaned up) is written again. */
    private void renew(String appId) {
        try {
            if (!writer.renew(registrationId, address)) {
                LOG.warn("the SQLite name resolution row of app '{}' at {} was gone; registering again", appId,
                        address);
                registrationId = UUID.randomUUID().toString();
                writer.register(registrationId, address, appId);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot renew the SQLite name resolution row of app '{}': {}", appId, e.toString());
        }
    }

    /** Removes this sidecar's row (if announced), then stops both threads. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            registration.submit(() -> {
                if (writer != null) {
                    try {
                        writer.deregister(registrationId, address);
                    } catch (SQLException e) {
                        LOG.warn("cannot remove the SQLite name resolution row at {}: {}", address, e.toString());
                    }
                    writer.close();
                    writer = null;
                }
            }).get(settings.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("cannot remove the SQLite name resolution row: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registration.shutdownNow();
            super.close();
        }
    }

    /** The snapshot's source: its own connection, opened on the resolver's thread at the first read. */
    private static final class Reader implements Source {
        private final SqliteSettings settings;
        private SqliteHosts hosts;

        Reader(SqliteSettings settings) {
            this.settings = settings;
        }

        @Override
        public List<Host> read() throws SQLException {
            if (hosts == null) {
                hosts = new SqliteHosts(settings);
            }
            return hosts.fresh(ALL);
        }

        @Override
        public String describe() {
            return "the SQLite name resolution database " + settings.connectionString();
        }
    }
}
