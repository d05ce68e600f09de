package io.h2splice.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code h2splice run} with {@code DAPR_API_TOKEN} and {@code APP_API_TOKEN} exported, and its app: gRPC
 * calls without and with the token, HTTP metadata without and with it, healthz without it; what the app receives and
 * inherits; and that no token value is ever printed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiTokenProcessTest extends ProcessTest {

    private static final String TOKEN = "process-api-t0ken";
    private static final String APP_TOKEN = "process-app-t0ken";

    @Test
    void grpcAndHttpPortsCheckTheTokenHealthzIsExemptAndTheAppGetsItsOwn() throws Exception {
        int appPort = Processes.freePort();
        Path log = home.resolve("run.log");
        Process p = processes.h2splice(Map.of("DAPR_API_TOKEN", TOKEN, "APP_API_TOKEN", APP_TOKEN), log,
                "run", "--app-id", "tokens", "--app-port", Integer.toString(appPort),
                "--dapr-graceful-shutdown-seconds", "2", "--",
                Processes.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", Processes.classpath(),
                EchoServer.class.getName());
        RegistryEntry entry = Processes.awaitRegistered(new LocalRegistry(home), "tokens", p, log, 60);

        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> say(entry.grpcPort(), null, "hello"));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode(), () -> Processes.logs(log));
        assertEquals("Unauthorized", none.getStatus().getDescription());
        StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
                () -> say(entry.grpcPort(), "process-api-t0kem", "hello"));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());

        assertEquals("echo: hello (app tokens)", say(entry.grpcPort(), TOKEN, "hello"), () -> Processes.logs(log));
        assertEquals(APP_TOKEN, say(entry.grpcPort(), TOKEN, "dapr-api-token?"),
                "the app receives APP_API_TOKEN, not the client's token");
        assertEquals("set", say(entry.grpcPort(), TOKEN, "env DAPR_API_TOKEN?"),
                "the app inherits the exported environment, as with dapr run");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertEquals(401, get(http, entry.httpPort(), "/v1.0/metadata", null).statusCode());
        HttpResponse<String> metadata = get(http, entry.httpPort(), "/v1.0/metadata", TOKEN);
        assertEquals(200, metadata.statusCode());
        assertTrue(metadata.body().contains("\"id\":\"tokens\""), metadata.body());
        assertEquals(204, get(http, entry.httpPort(), "/v1.0/healthz", null).statusCode());

        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> Processes.logs(log));
        String all = Files.readString(log);
        assertTrue(all.contains("API token check on (DAPR_API_TOKEN is set)"), all);
        assertTrue(all.contains("app token on (APP_API_TOKEN is set)"), all);
        assertFalse(all.contains(TOKEN), "a log line shows DAPR_API_TOKEN:\n" + all);
        assertFalse(all.contains(APP_TOKEN), "a log line shows APP_API_TOKEN:\n" + all);
    }

    /** {@code h2splice.test.Echo/Say} through the API port to the sidecar's own app. */
    private static String say(int port, String token, String text) throws InterruptedException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "tokens");
        if (token != null) {
            headers.put(Metadata.Key.of("dapr-api-token", Metadata.ASCII_STRING_MARSHALLER), token);
        }
        return EchoServer.say(port, headers, text);
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("dapr-api-token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
