package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.resolve.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code h2splice run} as a real process: how it ends when the app ends, or cannot start. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunExitCodesTest extends ProcessTest {

    @Test
    void exitsWithTheAppsExitCodeAndUnregisters() throws Exception {
        Path log = home.resolve("run.log");
        Process p = processes.h2splice(log, "run", "--app-id", "job", "--",
                "sh", "-c", "echo \"working as $APP_ID on $DAPR_GRPC_PORT\"; sleep 1; exit 7");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> Processes.logs(log));
        assertEquals(7, p.exitValue(), () -> Processes.logs(log));
        String out = Files.readString(log);
        assertTrue(out.matches("(?s).*\n== APP == working as job on \\d+\n.*"), out);
        assertTrue(out.contains("the app exited with code 7"), out);
        List<String> sidecarLines = out.lines().filter(l -> !l.startsWith("== APP == ")).toList();
        assertTrue(sidecarLines.get(sidecarLines.size() - 1).contains(" msg=\"h2splice stopped\" "),
                "the last line is written before the process exits: " + out);
        assertEquals(List.of(), new LocalRegistry(home).list());
        try (var files = Files.list(new LocalRegistry(home).directory().resolve("default"))) {
            assertTrue(files.findAny().isEmpty(), "no file left behind");
        }
    }

    @Test
    void aCommandThatCannotStartIsOneErrorAndExitCode1() throws Exception {
        Path log = home.resolve("run.log");
        Process p = processes.h2splice(log, "run", "--app-id", "nf", "--", "/no/such/h2splice-app", "--flag");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> Processes.logs(log));
        assertEquals(1, p.exitValue(), () -> Processes.logs(log));
        List<String> errors = Files.readAllLines(log).stream()
                .filter(l -> l.contains(" level=error ") || l.contains(" level=fatal ")).toList();
        assertEquals(1, errors.size(), () -> Processes.logs(log));
        assertTrue(errors.get(0).contains(" level=fatal msg=\"cannot start the app '/no/such/h2splice-app': "
                + "No such file or directory\" app_id=nf "), errors.get(0));
        assertTrue(errors.get(0).contains(" scope=dapr.runtime type=log "), errors.get(0));
        assertEquals(List.of(), new LocalRegistry(home).list());
    }
}
