package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Metadata;
import io.h2splice.cli.CliRun;
import io.h2splice.core.testing.PrometheusServer;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code h2splice run --config} process with {@code spec.tracing} (rate 1, OTLP/HTTP to a collector stub on
 * 127.0.0.1): a call to its own app is exported as a span named after the method, with the app id as the service
 * name; the start log says where spans go.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracingEndToEndTest extends ProcessTest {

    private static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    private HttpServer collector;
    private final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        collector.stop(0);
    }

    @Test
    void aCallThroughARealSidecarIsExported() throws Exception {
        Path config = home.resolve("config.yaml");
        Files.writeString(config, """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: tracing
                spec:
                  tracing:
                    samplingRate: "1"
                    otel:
                      endpointAddress: "127.0.0.1:%d"
                      protocol: http
                      isSecure: false
                """.formatted(collector.getAddress().getPort()));
        int appPort = Processes.freePort();
        Path log = home.resolve("server.log");
        Process server = processes.h2splice(log, "run", "--app-id", "server", "--app-port",
                Integer.toString(appPort), "--config", config.toString(), "--dapr-graceful-shutdown-seconds", "1",
                "--", Processes.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", Processes.classpath(),
                EchoServer.class.getName());
        RegistryEntry entry = Processes.awaitRegistered(new LocalRegistry(home), "server", server, log, 60);

        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String reply = call(entry.grpcPort(), "00-" + traceId + "-00f067aa0ba902b7-01");
        assertEquals("echo: hi (app server)", reply, () -> Processes.logs(log));

        String body = bodies.poll(20, TimeUnit.SECONDS);
        assertNotNull(body, () -> "no span exported within 20 s\n" + Processes.logs(log));
        assertTrue(body.contains("/h2splice.test.Echo/Say"), "span name in the OTLP body");
        assertTrue(body.contains("server"), "service.name in the OTLP body");
        String out = Files.readString(log);
        assertTrue(out.contains("tracing: samplingRate 1.0, exporting to otlp/http 127.0.0.1:"), out);
        assertMetricsPage(entry.metricsPort());

        CliRun stop = CliRun.run(home, "stop", "--app-id", "server");
        assertEquals(0, stop.code(), stop.err());
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), () -> "still running\n" + Processes.logs(log));
    }

    /**
     * The real process's metrics page: Dapr's names for the call, the tracing, TLS and log families added by the
     * command, and an exposition promtool accepts (only the lint findings on Dapr's own names).
     */
    private static void assertMetricsPage(int port) throws Exception {
        String page = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String completed = "dapr_grpc_io_server_completed_rpcs{app_id=\"server\",grpc_server_method="
                + "\"/h2splice.test.Echo/Say\",grpc_server_status=\"OK\"} 1";
        while (System.nanoTime() < deadline && !page.contains(completed)) {
            page = PrometheusServer.fetch(port, "/metrics");
        }
        assertTrue(page.contains(completed), page);
        assertTrue(page.contains("\nh2splice_trace_spans_started_total 1\n"), page);
        assertTrue(page.contains("\nh2splice_log_lines_dropped_total 0\n"), page);
        assertTrue(page.contains("\n# TYPE h2splice_tls_"), page);
        PrometheusServer.assumeInstalled();
        PrometheusServer.checkMetrics(page, PrometheusServer.DAPR_NAME_LINTS);
    }

    private static String call(int port, String traceparent) throws InterruptedException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "server");
        headers.put(TRACEPARENT, traceparent);
        return EchoServer.say(port, headers, "hi");
    }
}
