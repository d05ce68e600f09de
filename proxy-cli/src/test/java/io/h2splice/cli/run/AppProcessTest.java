package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AppProcessTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private AppProcess start(String script, Map<String, String> env) throws IOException {
        return AppProcess.start(List.of("sh", "-c", script), env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void prefixesEachLineAndKeepsStreamsApart() throws Exception {
        AppProcess app = start("echo hello; printf 'no newline'; echo oops >&2; printf 'crlf\\r\\n' >&2; exit 3",
                Map.of("PATH", System.getenv("PATH")));
        assertEquals(3, app.onExit().get(10, TimeUnit.SECONDS));
        app.awaitOutput(Duration.ofSeconds(5));
        assertEquals("== APP == hello\n== APP == no newline\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("== APP == oops\n== APP == crlf\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void getsExactlyTheGivenEnvironment() throws Exception {
        AppProcess app = start("echo \"$APP_ID:$DAPR_GRPC_PORT:${HOME:-unset}\"",
                Map.of("APP_ID", "server", "DAPR_GRPC_PORT", "50001", "PATH", System.getenv("PATH")));
        app.onExit().get(10, TimeUnit.SECONDS);
        app.awaitOutput(Duration.ofSeconds(5));
        assertEquals("== APP == server:50001:unset\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stopSendsSigtermAndReturnsTheExitCode() throws Exception {
        AppProcess app = start("trap 'echo bye; exit 7' TERM; echo up; while true; do sleep 0.1; done",
                Map.of("PATH", System.getenv("PATH")));
        waitForOutput("== APP == up");
        assertEquals(7, app.stop(Duration.ofSeconds(10)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("== APP == bye\n"));
    }

    @Test
    void terminateSignalsOnceAndTheGraceCountsFromIt() throws Exception {
        AppProcess app = start("n=0; trap 'n=$((n+1)); echo term $n' TERM; echo up; while true; do sleep 0.05; done",
                Map.of("PATH", System.getenv("PATH")));
        waitForOutput("== APP == up");
        app.terminate();
        waitForOutput("== APP == term 1");
        app.terminate();
        Thread.sleep(300);
        long start = System.nanoTime();
        assertEquals(137, app.awaitExit(Duration.ofMillis(500)), "SIGKILL once the grace ran out");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2500), "grace counted from terminate");
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("term 2"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stopKillsAnAppThatIgnoresSigtermAfterTheGracePeriod() throws Exception {
        AppProcess app = start("trap '' TERM; echo up; while true; do sleep 0.1; done",
                Map.of("PATH", System.getenv("PATH")));
        waitForOutput("== APP == up");
        long start = System.nanoTime();
        assertEquals(137, app.stop(Duration.ofMillis(300)), "SIGKILL");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertFalse(app.isAlive());
    }

    @Test
    void stopAlsoStopsWhatTheAppStarted() throws Exception {
        // The shell does not exec: SIGTERM to the shell alone would leave the sleep behind.
        AppProcess app = start("sleep 300 & echo $!; wait", Map.of("PATH", System.getenv("PATH")));
        String line = waitForOutput("== APP == ");
        long child = Long.parseLong(line.substring("== APP == ".length()).strip());
        app.stop(Duration.ofSeconds(5));
        ProcessHandle.of(child).ifPresent(h -> h.onExit().orTimeout(5, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "grandchild still running");
    }

    @Test
    void aMissingCommandFailsToStart() {
        IOException e = assertThrows(IOException.class, () -> AppProcess.start(List.of("/no/such/h2splice-app"),
                Map.of(), System.out, System.err));
        assertTrue(e.getMessage().contains("No such file"), e.getMessage());
    }

    private String waitForOutput(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String l : out.toString(StandardCharsets.UTF_8).lines().toList()) {
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no output line starting with " + prefix + ": " + out);
    }
}
