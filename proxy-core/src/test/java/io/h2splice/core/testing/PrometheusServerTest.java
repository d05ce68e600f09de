package io.h2splice.core.testing;

import io.h2splice.core.testing.PrometheusServer.Sample;
import io.h2splice.core.testing.PrometheusServer.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus harness itself: its config, its answers, and that its failures are bounded and carry the log. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrometheusServerTest {

    /** No scrape job: these tests exercise only the harness and the query API. */
    private static final String NO_TARGETS = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n";

    @Test
    void configHasOneJobAndATargetLabelPerTarget() {
        String yaml = PrometheusServer.config(List.of(new Target("client", 4001), new Target("it's", 4002)));
        assertEquals("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: h2splice
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['127.0.0.1:4001']
                        labels:
                          sidecar: 'client'
                      - targets: ['127.0.0.1:4002']
                        labels:
                          sidecar: 'it''s'
                """, yaml);
    }

    @Test
    void answersQueriesThenStopsTheProcessItStarted() throws Exception {
        PrometheusServer.assumeInstalled();
        PrometheusServer prom = PrometheusServer.start(NO_TARGETS);
        long pid = prom.pid();
        try {
            assertTrue(prom.port() > 0, "the port Prometheus reported listening on");
            assertEquals(List.of(new Sample(Map.of("a", "b"), 42)),
                    prom.query("label_replace(vector(42), \"a\", \"b\", \"\", \"\")"));
            assertEquals(List.of(new Sample(Map.of(), 7)), prom.query("scalar(vector(7))"));
            assertEquals(3.0, prom.value("sum(vector(1) or label_replace(vector(2), \"x\", \"y\", \"\", \"\"))")
                    .getAsDouble());
            assertTrue(prom.value("vector(1) > 1").isEmpty(), "no series");
            AssertionError two = assertThrows(AssertionError.class,
                    () -> prom.value("vector(1) or label_replace(vector(2), \"x\", \"y\", \"\", \"\")"));
            assertTrue(two.getMessage().contains("matched 2 series"), two.getMessage());
            AssertionError matrix = assertThrows(AssertionError.class, () -> prom.query("vector(1)[5s:1s]"));
            assertTrue(matrix.getMessage().contains("gave a matrix result"), matrix.getMessage());
            prom.awaitValue("vector(5)", 5, Duration.ofSeconds(5));

            AssertionError wrong = assertThrows(AssertionError.class,
                    () -> prom.awaitValue("vector(1)", 2, Duration.ofMillis(500)));
            assertTrue(wrong.getMessage().contains("expected 2 but after 500 ms it is 1"), wrong.getMessage());
            assertTrue(wrong.getMessage().contains("Prometheus's log") && wrong.getMessage().contains("Server is ready"),
                    "the failure carries the log tail: " + wrong.getMessage());

            AssertionError bad = assertThrows(AssertionError.class, () -> prom.query("sum(("));
            assertTrue(bad.getMessage().contains("bad_data"), bad.getMessage());
        } finally {
            prom.close();
        }
        Optional<ProcessHandle> after = ProcessHandle.of(pid);
        assertTrue(after.isEmpty() || !after.get().isAlive(), "prometheus pid " + pid + " still running after close()");
        assertTrue(Files.isRegularFile(prom.logFile()), "the log is kept: " + prom.logFile());
        assertTrue(Files.readString(prom.logFile()).contains("See you next time"), "Prometheus shut down cleanly");
    }

    @Test
    void promtoolFailsLintProblemsUnlessAcceptedAndAlwaysFailsUnparseableText() {
        PrometheusServer.assumeInstalled();
        PrometheusServer.checkMetrics("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 3\n");

        String noTotal = "# HELP a A.\n# TYPE a counter\na 3\n";
        AssertionError lint = assertThrows(AssertionError.class, () -> PrometheusServer.checkMetrics(noTotal));
        assertTrue(lint.getMessage().contains("exited 3") && lint.getMessage().contains("\"_total\" suffix"),
                lint.getMessage());
        PrometheusServer.checkMetrics(noTotal, Set.of("a counter metrics should have \"_total\" suffix"));
        assertThrows(AssertionError.class, () -> PrometheusServer.checkMetrics(noTotal, Set.of("b something else")));

        AssertionError broken = assertThrows(AssertionError.class, () -> PrometheusServer.checkMetrics(
                "# TYPE a counter\na{x=} 3\n", Set.of("a counter metrics should have \"_total\" suffix")));
        assertTrue(broken.getMessage().contains("exited 1"), broken.getMessage());
    }

    @Test
    void aConfigPrometheusRejectsFailsFastWithItsLog() {
        PrometheusServer.assumeInstalled();
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> PrometheusServer.start("scrape_configs:\n  - job_name: [not, a, name]\n").close());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("exited with"), e.getMessage());
        assertTrue(e.getMessage().contains("prometheus.yml"), "the log tail names the config: " + e.getMessage());
        assertTrue(ms < PrometheusServer.START_TIMEOUT.toMillis(), "failed after " + ms + " ms, not at the deadline");
    }
}
