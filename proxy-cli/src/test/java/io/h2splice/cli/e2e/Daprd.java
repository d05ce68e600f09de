package io.h2splice.cli.e2e;

import io.h2splice.core.testing.Tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Dapr's own daprd, built from Dapr's Go module by {@code proxy-bench/dapr/build.sh} into its cache
 * ({@code $H2SPLICE_DAPR_CACHE}, default {@code ~/.cache/h2splice/dapr}, under the release pinned in
 * {@code proxy-bench/dapr/go.mod}), started as a user starts it in self-hosted mode, with Dapr's SQLite name
 * resolution so that it and h2splice sidecars find each other.
 */
final class Daprd {

    static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_DAPR";

    private Daprd() {
    }

    /** The daprd binary, or null when {@code build.sh} has not built it. */
    static Path binary() throws IOException {
        Path root = Tools.repositoryRoot();
        String release = null;
        for (String line : Files.readAllLines(root.resolve("proxy-bench/dapr/go.mod"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals("github.com/dapr/dapr")) {
                release = f[1];
            }
        }
        String cache = System.getenv("H2SPLICE_DAPR_CACHE");
        Path dir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "h2splice", "dapr");
        Path daprd = dir.resolve(String.valueOf(release)).resolve("daprd");
        return Files.isExecutable(daprd) ? daprd : null;
    }

    /** What {@code daprd --version} prints, e.g. {@code 1.18.1}. */
    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary().toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    /** A started daprd and the port of its metrics page. */
    record Running(Process process, int metricsPort) {
    }

    /** A Configuration that names the SQLite name resolver on {@code db}, written to {@code file}. */
    static Path sqliteConfig(Path file, Path db) throws IOException {
        return Files.writeString(file, """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: mixed-mesh
                spec:
                  nameResolution:
                    component: sqlite
                    version: v1
                    configuration:
                      connectionString: "%s"
                """.formatted(db));
    }

    /**
     * Starts daprd as {@code dapr run} would (self-hosted), its gRPC API on {@code grpcPort}, with an app on
     * {@code appPort} (gRPC) when it is above 0, and waits until its healthz says 204. Plaintext between sidecars
     * ({@code --enable-mtls=false}) without {@code sentry}; with it, {@code --enable-mtls --sentry-address} and the
     * root in {@code DAPR_TRUST_ANCHORS}, as the Dapr CLI starts it when the Configuration enables mTLS.
     * {@code --max-body-size 64Mi}: daprd's default of 4 MiB would refuse the probe's 16 MiB message.
     */
    static Running start(Processes processes, Path dir, String appId, int appPort, int grpcPort, Path config,
                         Sentry sentry, Path log) throws Exception {
        // The ports daprd picks here were free a moment ago; one taken since (by another test's connection) makes
        // daprd exit 'address already in use': start it again on others, at most twice.
        for (int attempt = 1; ; attempt++) {
            Running r = startOnce(processes, dir, appId, appPort, grpcPort, config, sentry, log);
            if (r != null) {
                return r;
            }
            if (attempt == 3 || !Files.readString(log).contains("address already in use")) {
                throw new AssertionError("daprd " + appId + " exited\n" + Processes.logs(log));
            }
        }
    }

    /** @return null when daprd exited before it was healthy */
    private static Running startOnce(Processes processes, Path dir, String appId, int appPort, int grpcPort,
                                     Path config, Sentry sentry, Path log) throws Exception {
        int http = Processes.freePort();
        int metrics = Processes.freePort();
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--app-id", appId,
                "--dapr-grpc-port", Integer.toString(grpcPort), "--dapr-http-port", Integer.toString(http),
                "--dapr-internal-grpc-port", Integer.toString(Processes.freePort()),
                "--metrics-port", Integer.toString(metrics), "--config", config.toString(),
                "--resources-path", Files.createDirectories(dir.resolve("resources")).toString(),
                "--max-body-size", "64Mi", "--log-level", "info"));
        cmd.addAll(sentry == null ? List.of("--enable-mtls=false")
                : List.of("--enable-mtls", "--sentry-address", sentry.address()));
        if (appPort > 0) {
            cmd.addAll(List.of("--app-port", Integer.toString(appPort), "--app-protocol", "grpc"));
        }
        Process p = processes.start(sentry == null ? Map.of() : sentry.env(), log, cmd);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < giveUp) {
            if (!p.isAlive()) {
                return null;
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http + "/v1.0/healthz")).timeout(Duration.ofSeconds(1))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) {
                    return new Running(p, metrics);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("daprd " + appId + " was not healthy within 60 s\n" + Processes.logs(log));
    }
}
