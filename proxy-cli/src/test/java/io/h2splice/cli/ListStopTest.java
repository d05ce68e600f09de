package io.h2splice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ListStopTest {

    @TempDir
    Path home;

    private Process sidecar;
    private RegistryEntry entry;

    /** A stand-in for a running sidecar: a real process registered under its own pid. */
    @BeforeEach
    void register() throws Exception {
        sidecar = new ProcessBuilder("sleep", "60").start();
        long started = sidecar.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
        entry = new RegistryEntry("server", "default", sidecar.pid(), sidecar.pid(), "127.0.0.1", 40002, 40001,
                40003, 40004, 50051, 4242, "python3 app.py", started);
        new LocalRegistry(home).register(entry);
    }

    @AfterEach
    void kill() {
        sidecar.destroyForcibly();
    }

    @Test
    void listPrintsDaprColumns() {
        CliRun r = CliRun.run(home, "list");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("APP ID +HTTP PORT +GRPC PORT +APP PORT +COMMAND +AGE +CREATED +PID"),
                lines.get(0));
        assertTrue(lines.get(1).matches("server +40003 +40001 +50051 +python3 app\\.py +\\d+s +"
                + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\.\\d\\d +" + sidecar.pid()), lines.get(1));
    }

    @Test
    void listAsJson() throws Exception {
        CliRun r = CliRun.run(home, "list", "--output", "json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        assertEquals(1, list.size());
        JsonNode e = list.get(0);
        assertEquals("server", e.get("appId").asText());
        assertEquals("default", e.get("namespace").asText());
        assertEquals(40001, e.get("grpcPort").asInt());
        assertEquals(40002, e.get("internalGrpcPort").asInt());
        assertEquals(sidecar.pid(), e.get("pid").asLong());
        assertEquals(4242, e.get("appPid").asLong());
    }

    @Test
    void listWithoutSidecars() {
        sidecar.destroyForcibly();
        waitFor(sidecar);
        CliRun r = CliRun.run(home, "list");
        assertEquals("No h2splice sidecars found.\n", r.out());
        assertEquals("[ ]\n", CliRun.run(home, "list", "-o", "json").out());
        assertFalse(new LocalRegistry(home).directory().resolve("default/" + "server-" + sidecar.pid()
                + ".properties").toFile().exists(), "the dead entry was cleaned up");
    }

    @Test
    void stopSendsSigtermToTheRegisteredPid() {
        CliRun r = CliRun.run(home, "stop", "--app-id", "server");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("stopping app 'server'"), r.out());
        waitFor(sidecar);
        assertEquals(143, sidecar.exitValue(), "SIGTERM, not SIGKILL");
        assertEquals(List.of(), new LocalRegistry(home).list());
    }

    @Test
    void stopByAppAndNamespace() {
        assertEquals(ExitCodes.FAILURE, CliRun.run(home, "stop", "-a", "server.prod").code());
        assertTrue(sidecar.isAlive());
        assertEquals(ExitCodes.OK, CliRun.run(home, "stop", "-a", "server.default").code());
        waitFor(sidecar);
    }

    @Test
    void stopUnknownAppIsOneLineAndExitCode1() {
        CliRun r = CliRun.run(home, "stop", "--app-id", "nobody");
        assertEquals(ExitCodes.FAILURE, r.code());
        assertEquals(List.of("h2splice stop: no running sidecar with app id 'nobody'"), r.errLines());
        assertTrue(sidecar.isAlive());
    }

    private static void waitFor(Process p) {
        try {
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "process did not exit");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
