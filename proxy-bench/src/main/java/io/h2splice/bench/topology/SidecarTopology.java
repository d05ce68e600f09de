package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;
import io.h2splice.bench.proc.Watched;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * h2splice sidecars as separate {@code h2splice run} processes ({@code java <flags> -jar h2splice.jar run ...}), each
 * with its own ports picked here and {@code --workers N}:
 * <ul>
 *   <li>{@code 1hop}: client → sidecar (app id {@code server}, the app's port) → app: the call names the sidecar's own
 *       app id, so it short-circuits to its app.</li>
 *   <li>{@code 2hop}: client → sidecar A (app id {@code client}) → sidecar B ({@code server}) → app, h2c between the
 *       sidecars; A resolves {@code server} from a {@code --resolver-file} naming B's internal port, so the path
 *       does not depend on the registry.</li>
 *   <li>{@code 2hop-mtls}: the same with {@code --enable-mtls=true} on both (one {@code H2SPLICE_HOME}, so one local
 *       CA). A build that rejects that flag (mTLS not built yet) makes this topology skipped, found by trying, not
 *       assumed.</li>
 * </ul>
 * {@code 2hop} passes {@code --enable-mtls=false}; {@code 1hop} leaves the flag out and runs the build's default, as
 * a user does (its path has no sidecar-to-sidecar hop, so mTLS changes only its start-up and memory).
 * Ready means {@code GET /v1.0/healthz} answers 204 on the {@code --dapr-http-port} given; the time from process
 * start to that answer is reported.
 */
public final class SidecarTopology implements Topology {

    static final String SERVER = "server";
    static final String CLIENT = "client";
    private static final long READY_WITHIN_MILLIS = 30_000;

    /** The h2splice topologies. */
    public enum Kind {
        ONE_HOP("1hop", 1, null, Telemetry.DEFAULT), TWO_HOP("2hop", 2, "--enable-mtls=false", Telemetry.DEFAULT),
        TWO_HOP_MTLS("2hop-mtls", 2, "--enable-mtls=true", Telemetry.DEFAULT),
        TWO_HOP_BARE("2hop-bare", 2, "--enable-mtls=false", Telemetry.OFF),
        TWO_HOP_METRICS("2hop-metrics", 2, "--enable-mtls=false", Telemetry.METRICS),
        TWO_HOP_OBSERVED("2hop-observed", 2, "--enable-mtls=false", Telemetry.OBSERVED);

        final String label;
        final int hops;
        final String mtlsFlag;  // null: the build's default
        final boolean mtls;
        final Telemetry telemetry;

        Kind(String label, int hops, String mtlsFlag, Telemetry telemetry) {
            this.label = label;
            this.hops = hops;
            this.mtlsFlag = mtlsFlag;
            this.mtls = "--enable-mtls=true".equals(mtlsFlag);
            this.telemetry = telemetry;
        }
    }

    /**
     * Metrics and tracing of the sidecars: the build's defaults (no {@code --config}); both off; metrics only; or
     * metrics on and 1 % of calls traced (Dapr's Configuration, spans exported to {@link SpanSink}, a local
     * Zipkin-compatible sink).
     */
    enum Telemetry { DEFAULT, OFF, METRICS, OBSERVED }

    private final Kind kind;
    private final List<String> extraJvmFlags;

    public SidecarTopology(Kind kind) {
        this(kind, List.of());
    }

    /** @param extraJvmFlags added after the launcher's flags on every sidecar (the soak's leak detection level) */
    public SidecarTopology(Kind kind, List<String> extraJvmFlags) {
        this.kind = kind;
        this.extraJvmFlags = List.copyOf(extraJvmFlags);
    }

    @Override
    public String name() {
        return kind.label;
    }

    @Override
    public String describe() {
        return switch (kind) {
            case ONE_HOP -> "client → h2splice → app (the sidecar's own app id: short-circuit)";
            case TWO_HOP -> "client → h2splice A → h2splice B → app (h2c between sidecars, --enable-mtls=false)";
            case TWO_HOP_MTLS -> "client → h2splice A → h2splice B → app (mTLS between sidecars)";
            case TWO_HOP_BARE -> "2hop with metrics and tracing off (--enable-metrics=false, samplingRate \"0\")";
            case TWO_HOP_METRICS -> "2hop with metrics on and tracing off (samplingRate \"0\")";
            case TWO_HOP_OBSERVED -> "2hop with metrics on and 1 % of calls traced, spans sent to a local Zipkin sink";
        };
    }

    @Override
    public int hops() {
        return kind.hops;
    }

    @Override
    public Setup start(TopologyContext ctx) throws Skipped, TopologyException {
        H2spliceInstall h2splice = ctx.h2splice();
        if (!h2splice.hasJar()) {
            throw new TopologyException(h2splice.whyNoJar());
        }
        Path home = ctx.workDir().resolve(name() + "-home");
        List<Child> children = new ArrayList<>();
        boolean started = false;
        try {
            Files.createDirectories(home);
            Map<String, Long> ready = new LinkedHashMap<>();
            Map<String, Integer> metricsPorts = new LinkedHashMap<>();
            List<Watched> proxies = new ArrayList<>();
            Endpoint endpoint;
            if (kind == Kind.ONE_HOP) {
                Launched s = launch(ctx, home, "sidecar", SERVER, ctx.appPort(), null, extraJvmFlags, children);
                ready.put("sidecar", s.readyMillis);
                metricsPorts.put("sidecar", s.metricsPort);
                proxies.add(new Watched("sidecar", s.child.handle()));
                endpoint = new Endpoint("127.0.0.1", s.grpcPort, Map.of("dapr-app-id", SERVER));
            } else {
                Launched b = launch(ctx, home, "sidecar B", SERVER, ctx.appPort(), null, extraJvmFlags, children);
                Path resolver = ctx.workDir().resolve(name() + "-resolver.yaml");
                Files.writeString(resolver, resolverYaml(SERVER, b.internalPort));
                Launched a = launch(ctx, home, "sidecar A", CLIENT, 0, resolver, extraJvmFlags, children);
                ready.put("sidecar A", a.readyMillis);
                ready.put("sidecar B", b.readyMillis);
                metricsPorts.put("sidecar A", a.metricsPort);
                metricsPorts.put("sidecar B", b.metricsPort);
                proxies.add(new Watched("sidecar A", a.child.handle()));
                proxies.add(new Watched("sidecar B", b.child.handle()));
                endpoint = new Endpoint("127.0.0.1", a.grpcPort, Map.of("dapr-app-id", SERVER));
            }
            started = true;
            return new Setup(endpoint, proxies, ready, children, null, metricsPorts);
        } catch (IOException e) {
            throw new TopologyException("cannot write in " + ctx.workDir() + ": " + e.getMessage());
        } finally {
            if (!started) {
                for (int i = children.size() - 1; i >= 0; i--) {
                    children.get(i).stop();
                }
            }
        }
    }

    /** The flags of {@link Kind#telemetry}: a Configuration file for the tracing, {@code --enable-metrics}. */
    private void telemetryArgs(TopologyContext ctx, List<String> cmd) throws TopologyException {
        if (kind.telemetry == Telemetry.DEFAULT) {
            return;
        }
        String tracing = kind.telemetry != Telemetry.OBSERVED ? "    samplingRate: \"0\"\n"
                : "    samplingRate: \"0.01\"\n    zipkin:\n      endpointAddress: \"" + SpanSink.shared().url() + "\"\n";
        Path config = ctx.workDir().resolve(name() + "-config.yaml");
        try {
            Files.writeString(config, "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: bench\n"
                    + "spec:\n  tracing:\n" + tracing);
        } catch (IOException e) {
            throw new TopologyException("cannot write " + config + ": " + e.getMessage());
        }
        cmd.addAll(List.of("--config", config.toString()));
        if (kind.telemetry == Telemetry.OFF) {
            cmd.add("--enable-metrics=false");
        }
    }

    /** A resolver file naming one app's sidecar. */
    static String resolverYaml(String appId, int internalPort) {
        return "apps:\n  - appId: " + appId + "\n    addresses: [\"127.0.0.1:" + internalPort + "\"]\n";
    }

    /** A sidecar that answered healthz, with its ports. */
    record Launched(Child child, int grpcPort, int internalPort, int metricsPort, long readyMillis) {
    }

    /**
     * Starts one {@code h2splice run} with this topology's flags plus {@code extraJvmFlags}, adds it to
     * {@code children} and waits until it is ready.
     */
    Launched launch(TopologyContext ctx, Path home, String label, String appId, int appPort, Path resolver,
                    List<String> extraJvmFlags, List<Child> children) throws Skipped, TopologyException {
        H2spliceInstall h2splice = ctx.h2splice();
        int[] ports = Ports.distinct(4);
        int grpc = ports[0];
        int internal = ports[1];
        int http = ports[2];
        int metrics = ports[3];
        List<String> cmd = new ArrayList<>();
        cmd.add(h2splice.java());
        cmd.addAll(h2splice.sidecarJvmFlags());
        cmd.addAll(extraJvmFlags);
        cmd.addAll(List.of("-jar", h2splice.jar().toString(), "run", "--app-id", appId,
                "--dapr-grpc-port", Integer.toString(grpc), "--dapr-internal-grpc-port", Integer.toString(internal),
                "--dapr-http-port", Integer.toString(http), "--metrics-port", Integer.toString(metrics),
                "--workers", Integer.toString(ctx.workers()), "--dapr-graceful-shutdown-seconds", "2"));
        if (appPort > 0) {
            cmd.addAll(List.of("--app-port", Integer.toString(appPort)));
        }
        if (resolver != null) {
            cmd.addAll(List.of("--resolver-file", resolver.toString()));
        }
        if (kind.mtlsFlag != null) {
            cmd.add(kind.mtlsFlag);
        }
        telemetryArgs(ctx, cmd);
        Map<String, String> env = new HashMap<>();
        env.put("H2SPLICE_HOME", home.toString());
        // what the user's shell may hold must not change the bench's sidecars
        env.put("NAMESPACE", null);
        env.put("DAPR_API_TOKEN", null);
        env.put("APP_API_TOKEN", null);
        env.put("DAPR_TRUST_ANCHORS", null);
        String logName = name() + "-" + label.replace(' ', '-') + ".log";
        Child child;
        try {
            child = Child.start(name() + " " + label, cmd, env, ctx.logDir().resolve(logName));
        } catch (IOException e) {
            throw new TopologyException(label + ": cannot start " + h2splice.java() + ": " + e.getMessage());
        }
        children.add(child);
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WITHIN_MILLIS);
        while (true) {
            if (healthy(http)) {
                return new Launched(child, grpc, internal, metrics, TimeUnit.NANOSECONDS.toMillis(child.ageNanos()));
            }
            if (!child.isAlive()) {
                String why = child.reason();
                if (kind.mtls && child.exitCode() == 2 && why.toLowerCase(Locale.ROOT).contains("mtls")) {
                    throw new Skipped("mTLS not available in this build",
                            why.startsWith("h2splice run:") ? why : "h2splice run: " + why);
                }
                throw new TopologyException(label + " exited with code " + child.exitCode()
                        + " before it was ready: " + why + " (log: " + child.log() + ")");
            }
            if (System.nanoTime() > giveUpAt) {
                throw new TopologyException(label + " not ready within " + READY_WITHIN_MILLIS / 1000
                        + " s: GET http://127.0.0.1:" + http + "/v1.0/healthz never answered 204 (log: "
                        + child.log() + ")");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopologyException(label + ": interrupted while starting");
            }
        }
    }

    /** {@code GET /v1.0/healthz} answers 204. */
    static boolean healthy(int httpPort) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + "/v1.0/healthz").toURL()
                    .openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(1_000);
            return c.getResponseCode() == 204;
        } catch (IOException e) {
            return false;
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }
}
