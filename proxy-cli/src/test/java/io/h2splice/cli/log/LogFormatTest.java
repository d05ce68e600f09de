package io.h2splice.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2splice.cli.UsageException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogFormatTest {

    private static final LoggerContext CTX = new LoggerContext();
    private static final LogFields FIELDS = new LogFields("server", "host-1", "1.2.3", ZoneOffset.UTC);
    private static final String TAIL = " app_id=server instance=host-1";

    static LoggingEvent event(Level level, String msg, String logger) {
        LoggingEvent e = new LoggingEvent(LogFormatTest.class.getName(), CTX.getLogger(logger), level, msg, null, null);
        e.setInstant(Instant.parse("2024-05-01T10:00:00.123456Z"));
        return e;
    }

    /** The line ApiLog makes for a call, as it reaches the layouts. */
    static LoggingEvent apiCall(String userAgent) {
        LoggingEvent e = event(Level.INFO, "gRPC API Called", "h2splice.api");
        e.addKeyValuePair(new KeyValuePair("method", "/h2splice.test.Echo/Say"));
        e.addKeyValuePair(new KeyValuePair("useragent", userAgent));
        e.addKeyValuePair(new KeyValuePair("duration", 3L));
        e.addKeyValuePair(new KeyValuePair("code", 14));
        e.addKeyValuePair(new KeyValuePair("caller", "client"));
        e.addKeyValuePair(new KeyValuePair("target", "server"));
        return e;
    }

    @Test
    void plainIsLogrusTextWithTimeLevelMsgThenSortedFields() {
        PlainLayout f = new PlainLayout(FIELDS, false);
        assertEquals("time=\"2024-05-01T10:00:00.123456Z\" level=info msg=\"h2splice is ready\"" + TAIL
                        + " scope=dapr.runtime type=log ver=1.2.3\n",
                f.doLayout(event(Level.INFO, "h2splice is ready", "io.h2splice.cli.run")));
        assertEquals("time=\"2024-05-01T10:00:00.123456Z\" level=warning msg=slow" + TAIL
                        + " scope=dapr.runtime.netty type=log ver=1.2.3\n",
                f.doLayout(event(Level.WARN, "slow", "io.netty.channel.X")));
        assertEquals("time=\"2024-05-01T10:00:00.123456Z\" level=debug msg=x" + TAIL
                        + " scope=dapr.runtime type=log ver=1.2.3\n",
                f.doLayout(event(Level.TRACE, "x", "some.library.X")));
    }

    @Test
    void plainAddsTheThrowableAndItsStackOnlyAtDebug() {
        LoggingEvent e = new LoggingEvent(LogFormatTest.class.getName(), CTX.getLogger("io.h2splice.x"), Level.ERROR,
                "failed", new IllegalStateException("boom"), null);
        e.setInstant(Instant.parse("2024-05-01T10:00:00.123456Z"));
        assertEquals("time=\"2024-05-01T10:00:00.123456Z\" level=error"
                        + " msg=\"failed: java.lang.IllegalStateException: boom\"" + TAIL
                        + " scope=dapr.runtime type=log ver=1.2.3\n",
                new PlainLayout(FIELDS, false).doLayout(e));
        String debug = new PlainLayout(FIELDS, true).doLayout(e);
        assertTrue(debug.contains("\tat io.h2splice.cli.log.LogFormatTest"), debug);
        assertTrue(debug.startsWith(new PlainLayout(FIELDS, false).doLayout(e)), "the line, then its stack: " + debug);
    }

    @Test
    void plainApiCallLineHasItsFieldsInKeyOrderQuotedOnlyWhenNeeded() {
        assertEquals("time=\"2024-05-01T10:00:00.123456Z\" level=info msg=\"gRPC API Called\" app_id=server"
                        + " caller=client code=14 duration=3 instance=host-1 method=/h2splice.test.Echo/Say"
                        + " scope=dapr.runtime.grpc.api-info target=server type=request"
                        + " useragent=\"h2splice-e2e grpc-java-netty/1.85.1\" ver=1.2.3\n",
                new PlainLayout(FIELDS, false).doLayout(apiCall("h2splice-e2e grpc-java-netty/1.85.1")));
        assertTrue(new PlainLayout(FIELDS, false).doLayout(apiCall("grpc-go/1.60.1"))
                .contains(" useragent=grpc-go/1.60.1 "));
    }

    @Test
    void plainQuotesLikeGoSoALineNeverBreaks() {
        StringBuilder b = new StringBuilder();
        PlainLayout.goQuote(b, "a \"q\" \\ line\nnext\ttab\r\u0001\u007f é \u2028 😀");
        assertEquals("\"a \\\"q\\\" \\\\ line\\nnext\\ttab\\r\\x01\\x7f é \\u2028 😀\"", b.toString());
        String line = new PlainLayout(FIELDS, false).doLayout(event(Level.INFO, "two\nlines", "io.h2splice.cli.run"));
        assertEquals(line.length() - 1, line.indexOf('\n'), "one line: " + line);
        assertTrue(line.contains(" msg=\"two\\nlines\" "), line);
        assertFalse(PlainLayout.needsQuoting("abc-1.2_3/x@y^z+"));
        assertTrue(PlainLayout.needsQuoting("a:b"));
    }

    @Test
    void jsonHasDaprFields() throws Exception {
        JsonLayout f = new JsonLayout(FIELDS);
        String line = f.doLayout(event(Level.WARN, "a \"quoted\"\nline", "io.h2splice.core.resolve.LocalRegistry"));
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals(List.of("app_id", "instance", "level", "msg", "scope", "time", "type", "ver"),
                names(j.fieldNames()));
        assertEquals("server", j.get("app_id").asText());
        assertEquals("host-1", j.get("instance").asText());
        assertEquals("warning", j.get("level").asText());
        assertEquals("a \"quoted\"\nline", j.get("msg").asText());
        assertEquals("dapr.runtime.direct_messaging", j.get("scope").asText());
        assertEquals("2024-05-01T10:00:00.123456Z", j.get("time").asText());
        assertEquals("log", j.get("type").asText());
        assertEquals("1.2.3", j.get("ver").asText());
        for (JsonNode v : j) {
            assertTrue(v.isTextual(), "every fixed field is a string: " + line);
        }
    }

    @Test
    void jsonApiCallLineHasTopLevelTypedFields() throws Exception {
        String line = new JsonLayout(FIELDS).doLayout(apiCall("h2splice-e2e grpc-java-netty/1.85.1"));
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals(List.of("app_id", "caller", "code", "duration", "instance", "level", "method", "msg", "scope",
                "target", "time", "type", "useragent", "ver"), names(j.fieldNames()));
        assertEquals("gRPC API Called", j.get("msg").asText());
        assertEquals("info", j.get("level").asText());
        assertEquals("dapr.runtime.grpc.api-info", j.get("scope").asText());
        assertEquals("request", j.get("type").asText());
        assertEquals("/h2splice.test.Echo/Say", j.get("method").asText());
        assertTrue(j.get("code").isIntegralNumber() && j.get("code").asInt() == 14, line);
        assertTrue(j.get("duration").isIntegralNumber() && j.get("duration").asLong() == 3, line);
        assertEquals("h2splice-e2e grpc-java-netty/1.85.1", j.get("useragent").asText());
        assertEquals("client", j.get("caller").asText());
        assertEquals("server", j.get("target").asText());
    }

    @Test
    void aKeyValuePairNeverReplacesAFixedField() throws Exception {
        LoggingEvent e = event(Level.INFO, "real", "io.h2splice.cli.run");
        e.addKeyValuePair(new KeyValuePair("msg", "fake"));
        e.addKeyValuePair(new KeyValuePair("scope", "fake"));
        JsonNode j = new ObjectMapper().readTree(new JsonLayout(FIELDS).doLayout(e));
        assertEquals("real", j.get("msg").asText());
        assertEquals("dapr.runtime", j.get("scope").asText());
        assertEquals("fake", j.get("fields.msg").asText());
        assertTrue(new PlainLayout(FIELDS, false).doLayout(e).contains(" msg=real "));
    }

    @Test
    void anErrorMarkedFatalIsLevelFatal() throws Exception {
        LoggingEvent e = event(Level.ERROR, "cannot start", "io.h2splice.cli.run");
        e.addMarker(LogSetup.FATAL);
        assertTrue(new PlainLayout(FIELDS, false).doLayout(e).contains(" level=fatal msg=\"cannot start\" "));
        assertEquals("fatal", new ObjectMapper().readTree(new JsonLayout(FIELDS).doLayout(e)).get("level").asText());
    }

    @Test
    void scopesAreDaprLike() {
        assertEquals(new Scope("dapr.runtime.grpc.api-info", true), Scope.of("h2splice.api"));
        assertEquals(new Scope("dapr.runtime.grpc.internal-info", true), Scope.of("h2splice.internal-api"));
        assertEquals("dapr.runtime", Scope.of("io.h2splice.cli.run").name());
        assertEquals("dapr.runtime", Scope.of("io.h2splice.core.runtime.Proxy").name());
        assertEquals("dapr.runtime.security", Scope.of("h2splice.tls").name());
        assertEquals("dapr.runtime.security", Scope.of("io.h2splice.tls.context.TlsProvider").name());
        assertEquals("dapr.runtime.direct_messaging", Scope.of("io.h2splice.core.splice.SpliceHandler").name());
        assertEquals("dapr.runtime.http", Scope.of("io.h2splice.core.http.ConnectionGuard").name());
        assertEquals("dapr.configuration", Scope.of("io.h2splice.cli.config").name());
        assertEquals("dapr.runtime", Scope.of("h2splice.apiX").name(), "a prefix matches up to a dot only");
        assertEquals("log", Scope.of("io.netty.util.X").type());
        assertSame(Scope.of("io.netty.util.X"), Scope.of("io.netty.util.X"), "looked up once");
    }

    @Test
    void levelsMapLikeDapr() {
        assertEquals(Level.DEBUG, LogLevel.parse("debug").logback);
        assertEquals(LogLevel.WARN, LogLevel.parse("Warn"));
        assertEquals(LogLevel.WARN, LogLevel.parse("warning"));
        assertEquals("warning", LogLevel.daprName(Level.WARN));
        assertEquals("error", LogLevel.daprName(Level.ERROR));
        assertEquals("debug", LogLevel.daprName(Level.TRACE));
        assertTrue(LogLevel.FATAL.logback.isGreaterOrEqual(Level.ERROR)
                && !LogLevel.FATAL.logback.equals(Level.ERROR), "fatal silences errors");
        UsageException e = assertThrows(UsageException.class, () -> LogLevel.parse("trace"));
        assertEquals("--log-level must be one of debug, info, warn, error, fatal; got 'trace'", e.getMessage());
    }

    static List<String> names(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
