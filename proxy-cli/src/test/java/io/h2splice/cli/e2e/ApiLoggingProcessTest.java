package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Metadata;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code h2splice run --enable-api-logging --log-level debug --log-as-json} process with an app: a call
 * through its API port carrying an API token, an authorization and a {@code -bin} value, then SIGTERM. Everything
 * the process printed is read back: every sidecar line is one JSON object with Dapr's fields, the call has its one
 * line, no secret appears anywhere, and the last line before exit made it out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiLoggingProcessTest extends ProcessTest {

    private static final String SECRET = "secret-xyz";
    private static final byte[] SECRET_BIN = "bin-secret-\u0001-xyz".getBytes(StandardCharsets.ISO_8859_1);
    private static final Set<String> FIELDS = Set.of("app_id", "instance", "level", "msg", "scope", "time", "type",
            "ver");

    @Test
    void jsonLinesWithOneApiLineNoSecretsAndTheLastLineFlushedOnSigterm() throws Exception {
        int appPort = Processes.freePort();
        Path log = home.resolve("run.log");
        Process p = processes.h2splice(log, "run", "--app-id", "logs", "--app-port", Integer.toString(appPort),
                "--enable-api-logging", "--log-level", "debug", "--log-as-json",
                "--dapr-graceful-shutdown-seconds", "2", "--",
                Processes.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", Processes.classpath(),
                EchoServer.class.getName());
        RegistryEntry entry = Processes.awaitRegistered(new LocalRegistry(home), "logs", p, log, 60);

        assertEquals("echo: hello (app logs)", call(entry.grpcPort()), () -> Processes.logs(log));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> Processes.logs(log));

        String all = Files.readString(log);
        assertFalse(all.contains(SECRET), all);
        assertFalse(all.contains(Base64.getEncoder().withoutPadding().encodeToString(SECRET_BIN)), all);
        assertFalse(all.contains("bin-secret"), all);

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : all.lines().toList()) {
            if (l.startsWith("== APP == ")) {
                continue;
            }
            JsonNode j = json.readTree(l); // every line the sidecar prints is JSON: nothing bypasses the logger
            assertTrue(j.isObject(), l);
            List<String> names = new ArrayList<>();
            j.fieldNames().forEachRemaining(names::add);
            assertTrue(names.containsAll(FIELDS), l);
            assertEquals(names.stream().sorted().toList(), names, "keys in Go's order: " + l);
            for (String f : FIELDS) {
                assertTrue(j.get(f).isTextual(), l);
            }
            assertEquals("logs", j.get("app_id").asText(), l);
            assertFalse(j.get("instance").asText().isEmpty(), l);
            assertTrue(Set.of("debug", "info", "warning", "error", "fatal").contains(j.get("level").asText()), l);
            assertTrue(j.get("scope").asText().startsWith("dapr."), l);
            OffsetDateTime.parse(j.get("time").asText());
            lines.add(j);
        }
        List<JsonNode> api = lines.stream().filter(j -> j.get("msg").asText().equals("gRPC API Called")).toList();
        assertEquals(1, api.size(), all);
        JsonNode call = api.get(0);
        assertEquals("info", call.get("level").asText());
        assertEquals("dapr.runtime.grpc.api-info", call.get("scope").asText());
        assertEquals("request", call.get("type").asText());
        assertEquals("/h2splice.test.Echo/Say", call.get("method").asText());
        assertTrue(call.get("code").isInt() && call.get("code").asInt() == 0, call::toString);
        assertTrue(call.get("duration").isIntegralNumber(), call::toString);
        assertTrue(call.get("useragent").asText().startsWith("grpc-java-netty/"), call::toString);
        assertEquals("logs", call.get("caller").asText());
        assertEquals("logs", call.get("target").asText());
        for (JsonNode j : lines) {
            if (j != call) {
                assertEquals("log", j.get("type").asText(), j::toString);
            }
        }
        assertEquals("h2splice stopped", lines.get(lines.size() - 1).get("msg").asText(),
                "the final line is written before the process exits");
    }

    /** Through the sidecar's API port to its own app, with secrets in the metadata. */
    private static String call(int port) throws InterruptedException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "logs");
        headers.put(Metadata.Key.of("dapr-api-token", Metadata.ASCII_STRING_MARSHALLER), SECRET);
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + SECRET);
        headers.put(Metadata.Key.of("x-thing-bin", Metadata.BINARY_BYTE_MARSHALLER), SECRET_BIN);
        return EchoServer.say(port, headers, "hello");
    }
}
