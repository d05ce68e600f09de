package io.h2splice.cli.sqlite;

import io.h2splice.core.resolve.SnapshotResolver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection to Dapr's SQLite name-resolution database and the statements daprd runs on it
 * (components-contrib {@code nameresolution/sqlite}): the schema made if missing (migration level 1, recorded under
 * {@code nr-migrations} in the metadata table), a host registered under a random id with {@code REPLACE} (which takes
 * over an address left by a sidecar that died), renewed, removed, and the fresh hosts read. Not thread-safe: one
 * thread per instance.
 */
final class SqliteHosts implements AutoCloseable {

    private static final String MIGRATIONS_KEY = "nr-migrations";

    private final SqliteSettings settings;
    private final Connection db;

    /** Opens the database and makes the schema if it is missing. */
    SqliteHosts(SqliteSettings settings) throws SQLException {
        this.settings = settings;
        this.db = DriverManager.getConnection(settings.jdbcUrl());
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + settings.timeout().toMillis());
        }
        migrate();
    }

    private void migrate() throws SQLException {
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + settings.metadataTable()
                    + " (key text NOT NULL PRIMARY KEY, value text NOT NULL)");
            int level = 0;
            try (PreparedStatement q = db.prepareStatement("SELECT value FROM " + settings.metadataTable()
                    + " WHERE key = ?")) {
                q.setString(1, MIGRATIONS_KEY);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        level = Integer.parseInt(r.getString(1).strip());
                    }
                }
            }
            if (level < 1) {
                String t = settings.table();
                s.execute("CREATE TABLE " + t + " (registration_id TEXT NOT NULL PRIMARY KEY, address TEXT NOT NULL, "
                        + "app_id TEXT NOT NULL, namespace TEXT NOT NULL, last_update INTEGER NOT NULL)");
                s.execute("CREATE UNIQUE INDEX " + t + "_address_idx ON " + t + " (address)");
                s.execute("CREATE INDEX " + t + "_last_update_idx ON " + t + " (last_update)");
                try (PreparedStatement u = db.prepareStatement("REPLACE INTO " + settings.metadataTable()
                        + " (key, value) VALUES (?, '1')")) {
                    u.setString(1, MIGRATIONS_KEY);
                    u.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException | NumberFormatException e) {
            db.rollback();
            throw e instanceof SQLException sql ? sql : new SQLException("bad migration level in "
                    + settings.metadataTable() + ": " + e.getMessage(), e);
        } finally {
            db.setAutoCommit(true);
        }
    }

    /**
     * The hosts renewed within the update interval, each {@code app id → host:port}, all under {@code namespace}:
     * the table has no namespace that daprd reads (it writes "").
     */
    List<SnapshotResolver.Host> fresh(String namespace) throws SQLException {
        List<SnapshotResolver.Host> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT app_id, address FROM " + settings.table()
                + " WHERE unixepoch(CURRENT_TIMESTAMP) - last_update < ?")) {
            q.setLong(1, settings.updateInterval().toSeconds());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String address = r.getString(2);
                    int colon = address.lastIndexOf(':');
                    if (colon <= 0) {
                        continue; // not host:port: not a row daprd or h2splice wrote
                    }
                    String host = address.substring(0, colon).replace("[", "").replace("]", "");
                    try {
                        out.add(new SnapshotResolver.Host(r.getString(1), namespace, host,
                                Integer.parseInt(address.substring(colon + 1))));
                    } catch (NumberFormatException | IllegalStateException e) {
                        // not a port: skipped, as above
                    }
                }
            }
        }
        return out;
    }

    /** Writes (or takes over) the row for {@code address}. */
    void register(String registrationId, String address, String appId) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("REPLACE INTO " + settings.table()
                + " (registration_id, address, app_id, namespace, last_update)"
                + " VALUES (?, ?, ?, '', unixepoch(CURRENT_TIMESTAMP))")) {
            u.setString(1, registrationId);
            u.setString(2, address);
            u.setString(3, appId);
            u.executeUpdate();
        }
    }

    /** @return false when the row is gone (taken over or cleaned up): the caller registers again */
    boolean renew(String registrationId, String address) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("UPDATE " + settings.table()
                + " SET last_update = unixepoch(CURRENT_TIMESTAMP) WHERE registration_id = ? AND address = ?")) {
            u.setString(1, registrationId);
            u.setString(2, address);
            return u.executeUpdate() > 0;
        }
    }

    void deregister(String registrationId, String address) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("DELETE FROM " + settings.table()
                + " WHERE registration_id = ? AND address = ?")) {
            u.setString(1, registrationId);
            u.setString(2, address);
            u.executeUpdate();
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do
        }
    }
}
