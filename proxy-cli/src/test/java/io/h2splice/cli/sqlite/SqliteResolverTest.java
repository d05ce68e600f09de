package io.h2splice.cli.sqlite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table daprd's SQLite resolver reads and writes (components-contrib {@code nameresolution/sqlite}): made with its
 * schema and migration marker, this sidecar's row written on announce and removed on close, daprd's rows read while
 * fresh, whatever namespace is asked. MixedMeshProcessTest shows the same with a real daprd.
 */
@Timeout(30)
class SqliteResolverTest {

    @TempDir
    Path dir;

    private SqliteSettings settings() {
        return new SqliteSettings(dir.resolve("names.db").toString(), "hosts", "metadata", Duration.ofSeconds(5),
                Duration.ofSeconds(1));
    }

    private List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("names.db"));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1) + " " + r.getString(2));
            }
        }
        return out;
    }

    private void exec(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("names.db"));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void announcedRowIsDaprdsShapeAndGoesOnClose() throws Exception {
        SqliteResolver resolver = new SqliteResolver(settings());
        resolver.announce("server", "prod", "127.0.0.1:50002");
        assertEquals(List.of("nr-migrations 1"), rows("SELECT key, value FROM metadata"));
        assertEquals(List.of("server 127.0.0.1:50002"), rows("SELECT app_id, address FROM hosts WHERE namespace = ''"));
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 50002)),
                resolver.resolve("server", "any-namespace").get(5, TimeUnit.SECONDS));
        resolver.close();
        resolver.close(); // idempotent
        assertEquals(List.of(), rows("SELECT app_id, address FROM hosts"));
    }

    @Test
    void daprdsFreshRowsResolveAndStaleOnesDoNot() throws Exception {
        try (SqliteHosts schema = new SqliteHosts(settings())) { // the schema, as the first sidecar makes it
            schema.register("id-1", "10.0.0.7:50002", "daprd-app");
        }
        exec("INSERT INTO hosts VALUES ('id-2', '10.0.0.8:50002', 'old-app', '', unixepoch(CURRENT_TIMESTAMP) - 60)");
        exec("INSERT INTO hosts VALUES ('id-3', 'no-port', 'odd-app', '', unixepoch(CURRENT_TIMESTAMP))");
        try (SqliteResolver resolver = new SqliteResolver(settings())) {
            assertEquals(List.of(new InetSocketAddress("10.0.0.7", 50002)),
                    resolver.resolve("daprd-app", "default").get(5, TimeUnit.SECONDS));
            assertEquals(List.of(), resolver.resolve("old-app", "default").get(5, TimeUnit.SECONDS),
                    "a row not renewed within updateInterval is a sidecar that is gone");
            assertEquals(List.of(), resolver.resolve("odd-app", "default").get(5, TimeUnit.SECONDS));
        }
    }
}
