package io.h2splice.cli.sqlite;

import io.h2splice.cli.config.ConfigurationFile;
import io.h2splice.core.config.NameResolution;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code spec.nameResolution.configuration} for {@code component: sqlite}, with Dapr's defaults and checks.
 *
 * @param connectionString the database: a file path or a {@code file:} URI ({@code connectionString}, required)
 * @param table            the hosts table ({@code tableName}, default {@code hosts})
 * @param metadataTable    the table holding the schema's migration level ({@code metadataTableName}, default
 *                         {@code metadata})
 * @param updateInterval   how often a sidecar renews its row, and how old a row may be to be used
 *                         ({@code updateInterval}, whole seconds, default 5 s)
 * @param timeout          the longest one query may take ({@code timeout}, default 1 s)
 */
public record SqliteSettings(String connectionString, String table, String metadataTable, Duration updateInterval,
                             Duration timeout) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /**
     * @throws IllegalArgumentException naming the field that is wrong, as {@code configuration.<field>}
     */
    public static SqliteSettings from(NameResolution nr) {
        Map<String, Object> c = nr.configuration();
        String conn = text(c, "connectionString", null);
        if (conn == null) {
            throw new IllegalArgumentException("configuration.connectionString is required for component sqlite");
        }
        String lower = conn.toLowerCase(Locale.ROOT);
        if (lower.startsWith(":memory:") || lower.startsWith("file::memory:")) {
            throw new IllegalArgumentException("configuration.connectionString: an in-memory database is one process's "
                    + "own; sidecars find each other only through a file");
        }
        String table = identifier(c, "tableName", "hosts");
        String metadata = identifier(c, "metadataTableName", "metadata");
        Duration interval = duration(c, "updateInterval", Duration.ofSeconds(5));
        Duration timeout = duration(c, "timeout", Duration.ofSeconds(1));
        if (interval.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("configuration.updateInterval must not contain fractions of seconds");
        }
        if (interval.minus(timeout).compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("configuration.updateInterval must be at least 1s greater than timeout");
        }
        return new SqliteSettings(conn, table, metadata, interval, timeout);
    }

    /** The JDBC URL: {@code jdbc:sqlite:} and the connection string (a path, or a {@code file:} URI). */
    String jdbcUrl() {
        return "jdbc:sqlite:" + connectionString;
    }

    private static String text(Map<String, Object> c, String key, String dflt) {
        Object v = c.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        return v.toString().strip();
    }

    private static String identifier(Map<String, Object> c, String key, String dflt) {
        String v = text(c, key, dflt);
        if (!IDENTIFIER.matcher(v).matches()) {
            throw new IllegalArgumentException("configuration." + key + ": '" + v + "' is not a table name (letters, "
                    + "digits and _, at most 64)");
        }
        return v;
    }

    /** A Go duration as Dapr's metadata decoder takes it ({@code 5s}, {@code 1m30s}, {@code 500ms}) or seconds. */
    private static Duration duration(Map<String, Object> c, String key, Duration dflt) {
        String v = text(c, key, null);
        if (v == null) {
            return dflt;
        }
        try {
            Duration d = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : ConfigurationFile.goDuration(v);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("not positive");
            }
            return d;
        } catch (IllegalArgumentException | ArithmeticException e) { // NumberFormatException is one
            throw new IllegalArgumentException("configuration." + key + ": '" + v + "' is not a duration (e.g. 5s)");
        }
    }
}
