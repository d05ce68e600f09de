package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.h2splice.cli.CliEnv;
import io.h2splice.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code h2splice injector} run in-process on 127.0.0.1 and a port the OS picks, as {@code Main} runs it, with an
 * HTTPS client that trusts its test certificate. Stopped by interrupting its thread.
 */
final class RunningInjector implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on https://127\\.0\\.0\\.1:(\\d+)/mutate");

    private final Thread thread;
    private final ByteArrayOutputStream out;
    private final AtomicInteger exit;
    private final HttpClient client;
    final int port;

    private RunningInjector(Thread thread, ByteArrayOutputStream out, AtomicInteger exit, HttpClient client, int port) {
        this.thread = thread;
        this.out = out;
        this.exit = exit;
        this.client = client;
        this.port = port;
    }

    static RunningInjector start(Path dir, String... extraArgs) throws Exception {
        TestCertificate cert = TestCertificate.create(dir, "webhook");
        List<String> args = new ArrayList<>(List.of("injector", "--port", "0", "--listen-address", "127.0.0.1",
                "--tls-cert-file", cert.certFile().toString(), "--tls-key-file", cert.keyFile().toString(),
                "--manage-services=false", "--sidecar-image", "registry.test/h2splice:test"));
        args.addAll(List.of(extraArgs));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CliEnv env = new CliEnv(Map.of(), dir, ps, ps);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(Main.execute(args.toArray(new String[0]), env)), "test-injector");
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m;
            synchronized (out) {
                m = LISTENING.matcher(out.toString(StandardCharsets.UTF_8));
            }
            if (m.find()) {
                HttpClient client = HttpClient.newBuilder().sslContext(cert.trustingClient())
                        .connectTimeout(Duration.ofSeconds(5)).build();
                return new RunningInjector(t, out, exit, client, Integer.parseInt(m.group(1)));
            }
            if (!t.isAlive()) {
                throw new AssertionError("injector exited " + exit.get() + ": " + out.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
        t.interrupt();
        throw new AssertionError("injector did not start: " + out.toString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a review and returns the answer, which must be HTTP 200 JSON. */
    JsonNode review(JsonNode review) throws Exception {
        HttpResponse<String> r = post("/mutate", Json.MAPPER.writeValueAsBytes(review));
        if (r.statusCode() != 200) {
            throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** What the command printed (its log lines). */
    String output() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The command's exit code once stopped, else -1. */
    int exitCode() {
        return exit.get();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
