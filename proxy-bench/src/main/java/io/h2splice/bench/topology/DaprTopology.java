package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;
import io.h2splice.bench.proc.Watched;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Dapr's own sidecar, for comparison: client → daprd A (app id {@code client}) → daprd B ({@code server}, the app's
 * port, {@code --app-protocol grpc}) → app, started as a user starts daprd in self-hosted mode, with daprd's defaults
 * (plaintext between the sidecars, as without a Sentry; metrics on; 4 MiB messages) and the SQLite name resolution
 * Dapr documents for several sidecars on one host (a Configuration in the scratch directory). {@code dapr-mtls} is
 * the same with mTLS between the sidecars as Dapr does it self-hosted: Dapr's Sentry (built beside daprd) started with
 * its own Configuration ({@code spec.mtls.enabled}) and an empty credentials directory, where it makes its root and
 * issuer; each daprd gets {@code --enable-mtls --sentry-address} and the root in {@code DAPR_TRUST_ANCHORS}.
 * The binary: the {@code H2SPLICE_DAPRD} environment variable, else the newest {@code <release>/daprd} that
 * {@code proxy-bench/dapr/build.sh} built into {@code $H2SPLICE_DAPR_CACHE} (default
 * {@code ~/.cache/h2splice/dapr}); skipped when there is none. Ready means {@code GET /v1.0/healthz} answers 204.
 */
public final class DaprTopology implements Topology {

    private static final long READY_WITHIN_MILLIS = 60_000;

    private final Map<String, String> env;
    private final boolean mtls;

    /** @param mtls mTLS between the two daprd, with certificates from Dapr's Sentry */
    public DaprTopology(Map<String, String> env, boolean mtls) {
        this.env = Map.copyOf(env);
        this.mtls = mtls;
    }

    @Override
    public String name() {
        return mtls ? "dapr-mtls" : "dapr";
    }

    @Override
    public String describe() {
        return "client → daprd A → daprd B → app (" + (mtls ? "mTLS, Sentry" : "h2c")
                + ", SQLite name resolution)";
    }

    @Override
    public int hops() {
        return 2;
    }

    /** The daprd to run, or null. */
    Path binary() {
        String explicit = env.get("H2SPLICE_DAPRD");
        if (explicit != null && !explicit.isBlank()) {
            return Files.isExecutable(Path.of(explicit)) ? Path.of(explicit) : null;
        }
        String cache = env.get("H2SPLICE_DAPR_CACHE");
        Path dir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "h2splice", "dapr");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> releases = Files.list(dir)) {
            return releases.map(r -> r.resolve("daprd")).filter(Files::isExecutable)
                    .max(Comparator.comparing(p -> p.getParent().getFileName().toString())).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Setup start(TopologyContext ctx) throws Skipped, TopologyException {
        Path daprd = binary();
        if (daprd == null) {
            throw new Skipped("daprd not built", "run proxy-bench/dapr/build.sh, or set H2SPLICE_DAPRD");
        }
        Path dir = ctx.workDir().resolve(name());
        Path config = dir.resolve("config.yaml");
        try {
            Files.createDirectories(dir.resolve("resources"));
            Files.deleteIfExists(dir.resolve("names.db"));
            Files.writeString(config, """
                    apiVersion: dapr.io/v1alpha1
                    kind: Configuration
                    metadata:
                      name: bench
                    spec:
                      mtls:
                        enabled: %s
                      nameResolution:
                        component: sqlite
                        version: v1
                        configuration:
                          connectionString: "%s"
                    """.formatted(mtls, dir.resolve("names.db")));
        } catch (IOException e) {
            throw new TopologyException("cannot write daprd's configuration in " + dir + ": " + e.getMessage());
        }
        List<Child> children = new ArrayList<>();
        boolean started = false;
        try {
            Map<String, String> sidecarEnv = new LinkedHashMap<>();
            List<String> security = new ArrayList<>();
            if (mtls) {
                int sentryPort = startSentry(ctx, daprd.resolveSibling("sentry"), dir, children);
                try {
                    sidecarEnv.put("DAPR_TRUST_ANCHORS", Files.readString(dir.resolve("credentials/ca.crt")));
                } catch (IOException e) {
                    throw new TopologyException("Sentry wrote no root certificate in " + dir.resolve("credentials")
                            + ": " + e.getMessage());
                }
                security = List.of("--enable-mtls", "--sentry-address", "localhost:" + sentryPort);
            }
            Launched b = launch(ctx, daprd, "B", "server", ctx.appPort(), config, dir, sidecarEnv, security,
                    children);
            Launched a = launch(ctx, daprd, "A", "client", 0, config, dir, sidecarEnv, security, children);
            Map<String, Long> ready = new LinkedHashMap<>();
            ready.put("daprd A", a.readyMillis);
            ready.put("daprd B", b.readyMillis);
            List<Watched> proxies = List.of(new Watched("daprd A", a.child.handle()),
                    new Watched("daprd B", b.child.handle()));
            started = true;
            return new Setup(new Endpoint("127.0.0.1", a.grpcPort, Map.of("dapr-app-id", "server")), proxies, ready,
                    children, "daprd " + version(daprd));
        } finally {
            if (!started) {
                for (int i = children.size() - 1; i >= 0; i--) {
                    children.get(i).stop();
                }
            }
        }
    }

    private record Launched(Child child, int grpcPort, long readyMillis) {
    }

    /**
     * Dapr's Sentry, self-hosted: its Configuration with mTLS on, an empty credentials directory it fills with a new
     * root and issuer, trust domain {@code localhost} (the one daprd expects of a self-hosted Sentry).
     *
     * @return its gRPC port, once its healthz answers and the root certificate is written
     */
    private static int startSentry(TopologyContext ctx, Path sentry, Path dir, List<Child> children)
            throws Skipped, TopologyException {
        if (!Files.isExecutable(sentry)) {
            throw new Skipped("Dapr's Sentry not built", "no " + sentry + " (proxy-bench/dapr/build.sh builds it)");
        }
        int[] ports = Ports.distinct(3);
        Path config = dir.resolve("sentry.yaml");
        try {
            Files.createDirectories(dir.resolve("credentials"));
            Files.writeString(config, """
                    apiVersion: dapr.io/v1alpha1
                    kind: Configuration
                    metadata:
                      name: daprsystem
                    spec:
                      mtls:
                        enabled: true
                    """);
        } catch (IOException e) {
            throw new TopologyException("cannot write Sentry's configuration in " + dir + ": " + e.getMessage());
        }
        Child child;
        try {
            child = Child.start("sentry", List.of(sentry.toString(), "--config", config.toString(),
                    "--issuer-credentials", dir.resolve("credentials").toString(), "--trust-domain", "localhost",
                    "--port", Integer.toString(ports[0]), "--healthz-port", Integer.toString(ports[1]),
                    "--metrics-port", Integer.toString(ports[2])), Map.of(), ctx.logDir().resolve("sentry.log"));
        } catch (IOException e) {
            throw new TopologyException("cannot start " + sentry + ": " + e.getMessage());
        }
        children.add(child);
        awaitReady(child, () -> Files.exists(dir.resolve("credentials/ca.crt")) && Ports.accepts(ports[0]),
                "its root certificate written and its port open");
        return ports[0];
    }

    private Launched launch(TopologyContext ctx, Path daprd, String instance, String appId, int appPort, Path config,
                            Path dir, Map<String, String> sidecarEnv, List<String> security, List<Child> children)
            throws TopologyException {
        int[] ports = Ports.distinct(4);
        List<String> cmd = new ArrayList<>(List.of(daprd.toString(), "--app-id", appId,
                "--dapr-grpc-port", Integer.toString(ports[0]), "--dapr-http-port", Integer.toString(ports[1]),
                "--dapr-internal-grpc-port", Integer.toString(ports[2]), "--metrics-port", Integer.toString(ports[3]),
                "--config", config.toString(), "--resources-path", dir.resolve("resources").toString()));
        if (appPort > 0) {
            cmd.addAll(List.of("--app-port", Integer.toString(appPort), "--app-protocol", "grpc"));
        }
        cmd.addAll(security);
        Map<String, String> childEnv = new LinkedHashMap<>(sidecarEnv);
        childEnv.put("GOMAXPROCS", Integer.toString(ctx.workers())); // as h2splice gets --workers event loops
        Child child;
        try {
            child = Child.start("daprd " + instance, cmd, childEnv,
                    ctx.logDir().resolve(name() + "-" + instance + ".log"));
        } catch (IOException e) {
            throw new TopologyException("daprd " + instance + ": cannot start " + daprd + ": " + e.getMessage());
        }
        children.add(child);
        awaitReady(child, () -> SidecarTopology.healthy(ports[1]), "GET /v1.0/healthz answering 204");
        return new Launched(child, ports[0], TimeUnit.NANOSECONDS.toMillis(child.ageNanos()));
    }

    /** Waits until {@code ready} holds, or fails once {@code child} exits or {@value #READY_WITHIN_MILLIS} ms passed. */
    private static void awaitReady(Child child, BooleanSupplier ready, String what) throws TopologyException {
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WITHIN_MILLIS);
        while (!ready.getAsBoolean()) {
            if (!child.isAlive()) {
                throw new TopologyException(child.name() + " exited with code " + child.exitCode()
                        + " before it was ready: " + child.reason() + " (log: " + child.log() + ")");
            }
            if (System.nanoTime() > giveUpAt) {
                throw new TopologyException(child.name() + " not ready within " + READY_WITHIN_MILLIS / 1000
                        + " s: waited for " + what + " (log: " + child.log() + ")");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopologyException(child.name() + ": interrupted while starting");
            }
        }
    }

    /** What {@code daprd --version} prints, e.g. {@code 1.18.1}. */
    private static String version(Path daprd) {
        try {
            Process p = new ProcessBuilder(daprd.toString(), "--version").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(256), StandardCharsets.UTF_8).strip();
            }
            p.waitFor(5, TimeUnit.SECONDS);
            return out.isEmpty() ? "(unknown version)" : out;
        } catch (IOException e) {
            return "(unknown version)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(unknown version)";
        }
    }
}
