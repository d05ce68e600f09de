package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2splice.cli.UsageException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    private static LogRecord record(Level level, String msg, String logger) {
        LogRecord r = new LogRecord(level, msg);
        r.setLoggerName(logger);
        r.setInstant(Instant.parse("2024-05-01T10:00:00.123456Z"));
        return r;
    }

    @Test
    void plainIsTimeLevelScopeMessage() {
        PlainLogFormatter f = new PlainLogFormatter(ZoneOffset.UTC, false);
        assertEquals("2024-05-01T10:00:00.123456Z info h2splice.cli.run h2splice is ready\n",
                f.format(record(Level.INFO, "h2splice is ready", "io.h2splice.cli.run")));
        assertEquals("2024-05-01T10:00:00.123456Z warning netty.channel.X slow\n",
                f.format(record(Level.WARNING, "slow", "io.netty.channel.X")));
        assertEquals("2024-05-01T10:00:00.123456Z debug h2splice x\n", f.format(record(Level.FINEST, "x", null)));
    }

    @Test
    void plainAddsTheThrowableAndItsStackOnlyAtDebug() {
        LogRecord r = record(Level.SEVERE, "failed", "io.h2splice.x");
        r.setThrown(new IllegalStateException("boom"));
        assertEquals("2024-05-01T10:00:00.123456Z error h2splice.x failed: java.lang.IllegalStateException: boom\n",
                new PlainLogFormatter(ZoneOffset.UTC, false).format(r));
        String debug = new PlainLogFormatter(ZoneOffset.UTC, true).format(r);
        assertTrue(debug.contains("\tat io.h2splice.cli.run.LogFormatTest"), debug);
    }

    @Test
    void jsonHasDaprFields() throws Exception {
        JsonLogFormatter f = new JsonLogFormatter(ZoneOffset.UTC, "server", "1.2.3");
        String line = f.format(record(Level.WARNING, "a \"quoted\"\nline", "io.h2splice.core.resolve.LocalRegistry"));
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals(List.of("app_id", "level", "msg", "scope", "time", "type", "ver"),
                iterable(j.fieldNames()));
        assertEquals("server", j.get("app_id").asText());
        assertEquals("warning", j.get("level").asText());
        assertEquals("a \"quoted\"\nline", j.get("msg").asText());
        assertEquals("h2splice.core.resolve.LocalRegistry", j.get("scope").asText());
        assertEquals("2024-05-01T10:00:00.123456Z", j.get("time").asText());
        assertEquals("log", j.get("type").asText());
        assertEquals("1.2.3", j.get("ver").asText());
    }

    @Test
    void levelsMapLikeDapr() {
        assertEquals(Level.FINE, LogLevel.parse("debug").julLevel);
        assertEquals(LogLevel.WARN, LogLevel.parse("Warn"));
        assertEquals("fatal", LogLevel.daprName(LogLevel.FATAL.julLevel));
        assertEquals("error", LogLevel.daprName(Level.SEVERE));
        assertTrue(LogLevel.FATAL.julLevel.intValue() > Level.SEVERE.intValue(), "fatal silences errors");
        assertThrows(UsageException.class, () -> LogLevel.parse("trace"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
