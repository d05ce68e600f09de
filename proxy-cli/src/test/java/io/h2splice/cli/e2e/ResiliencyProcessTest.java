package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.h2splice.cli.CliRun;
import io.h2splice.cli.ExitCodes;
import io.h2splice.cli.config.DaprDocsExamples;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.testing.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code h2splice run --resources-path} process over a directory as {@code dapr init} leaves it plus
 * Dapr's documented Resiliency example: it starts, says what it loaded, skips the components, calls the example's
 * target {@code appB} (a second sidecar with an app) under its policy, and shows {@code dapr_resiliency_loaded} and
 * the call's counts on its metrics page; a broken Resiliency stops it before anything starts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResiliencyProcessTest extends ProcessTest {

    /** Dapr's docs, operations/resiliency/resiliency-overview.md, "Complete example policy", as published. */
    private static final String DOCS_EXAMPLE = DaprDocsExamples.resiliencyOverview();

    /** The state store component {@code dapr init} writes to {@code ~/.dapr/components/statestore.yaml}. */
    private static final String STATESTORE = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: localhost:6379
              - name: redisPassword
                value: ""
              - name: actorStateStore
                value: "true"
            """;

    @Test
    void startsWithDaprsExampleSkipsComponentsAndCountsACallToItsTarget() throws Exception {
        Path resources = Files.createDirectory(home.resolve("components"));
        Files.writeString(resources.resolve("statestore.yaml"), STATESTORE);
        Files.writeString(resources.resolve("resiliency.yaml"), DOCS_EXAMPLE);
        int appPort = Processes.freePort();
        Path appBLog = home.resolve("appB.log");
        Process appB = processes.h2splice(appBLog, "run", "--app-id", "appB", "--app-port", Integer.toString(appPort),
                "--dapr-graceful-shutdown-seconds", "1", "--", Processes.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp",
                Processes.classpath(), EchoServer.class.getName());
        Path log = home.resolve("client.log");
        Process p = processes.h2splice(log, "run", "--app-id", "client", "--resources-path", resources.toString(),
                "--max-retry-buffer", "1Mi", "--log-level", "debug", "--dapr-graceful-shutdown-seconds", "1");
        LocalRegistry registry = new LocalRegistry(home);
        RegistryEntry entry = Processes.awaitRegistered(registry, "client", p, log, 60);

        String page = PrometheusServer.fetch(entry.metricsPort(), "/metrics");
        assertTrue(page.contains("""
                # TYPE dapr_resiliency_loaded counter
                dapr_resiliency_loaded{app_id="client",name="myresiliency",namespace="default"} 1
                """), page);
        assertFalse(page.contains("dapr_resiliency_count"), "no call made, no execution counted:\n" + page);

        Processes.awaitRegistered(registry, "appB", appB, appBLog, 60);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "appB");
        assertEquals("echo: hi (app appB)", EchoServer.say(entry.grpcPort(), headers, "hi"),
                () -> Processes.logs(log, appBLog));
        page = PrometheusServer.fetch(entry.metricsPort(), "/metrics");
        String labels = "app_id=\"client\",name=\"myresiliency\",policy=\"%s\",namespace=\"default\","
                + "flow_direction=\"outbound\",target=\"app_appB\",status=\"%s\"";
        for (String policy : List.of("timeout", "retry", "circuitbreaker")) {
            assertTrue(page.contains("\ndapr_resiliency_count{" + labels.formatted(policy, "") + "} 1\n"), page);
        }
        assertTrue(page.contains("\ndapr_resiliency_cb_state{" + labels.formatted("circuitbreaker", "closed")
                + "} 1\n"), page);
        assertTrue(page.contains("\ndapr_resiliency_cb_state{" + labels.formatted("circuitbreaker", "open")
                + "} 0\n"), page);
        assertFalse(page.contains("dapr_resiliency_activations_total"), "nothing timed out or was retried:\n" + page);
        PrometheusServer.assumeInstalled();
        PrometheusServer.checkMetrics(page, PrometheusServer.DAPR_NAME_LINTS);

        CliRun stop = CliRun.run(home, "stop", "--app-id", "client");
        assertEquals(0, stop.code(), stop.err());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> "still running\n" + Processes.logs(log));
        String out = Files.readString(log);
        assertTrue(out.contains("msg=\"resiliency from [" + resources + "]: resiliency 'myresiliency': 3 timeout(s), "
                + "8 retry policy(ies), 3 circuit breaker(s), 1 app target(s); requests kept for retries up to "
                + "1048576 bytes\""), out);
        assertTrue(out.contains(resources.resolve("statestore.yaml") + ":1:1: kind Component, not a Resiliency, "
                + "skipped"), out);
        assertTrue(out.contains("spec.targets.actors: h2splice proxies service invocation only, ignored"), out);
        assertFalse(out.contains(" level=warn ") || out.contains(" level=error "), out);
    }

    @Test
    void aBrokenResiliencyIsOneLineNamingFileLineAndFieldAndNothingStarts() throws Exception {
        Path resources = Files.createDirectory(home.resolve("components"));
        Files.writeString(resources.resolve("statestore.yaml"), STATESTORE);
        Path broken = Files.writeString(resources.resolve("resiliency.yaml"),
                DOCS_EXAMPLE.replace("trip: consecutiveFailures > 8", "trip: consecutiveFailures >> 8"));
        Path log = home.resolve("broken.log");
        Process p = processes.h2splice(log, "run", "--app-id", "client", "-d", resources.toString(), "--",
                "sh", "-c", "echo the app must not start");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> Processes.logs(log));
        assertEquals(ExitCodes.USAGE, p.exitValue(), () -> Processes.logs(log));
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), () -> "one line, no stack trace:\n" + Processes.logs(log));
        assertEquals("h2splice run: --resources-path: " + broken + ":68:15: spec.policies.circuitBreakers.pubsubCB.trip: "
                + "unexpected '>' at 22; expected a whole number", lines.get(0));
        assertEquals(List.of(), new LocalRegistry(home).list());
    }
}
