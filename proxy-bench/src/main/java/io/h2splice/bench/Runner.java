package io.h2splice.bench;

import io.h2splice.bench.load.LoadException;
import io.h2splice.bench.load.LoadGenerator;
import io.h2splice.bench.load.LoadResult;
import io.h2splice.bench.load.LoadRun;
import io.h2splice.bench.load.Scenario;
import io.h2splice.bench.proc.CpuSplit;
import io.h2splice.bench.proc.ProcFiles;
import io.h2splice.bench.proc.Sampler;
import io.h2splice.bench.proc.Watched;
import io.h2splice.bench.report.Cell;
import io.h2splice.bench.report.Framing;
import io.h2splice.bench.report.Latency;
import io.h2splice.bench.report.ProcessUsage;
import io.h2splice.bench.report.RunReport;
import io.h2splice.bench.report.ScenarioReport;
import io.h2splice.bench.report.TopologyReport;
import io.h2splice.bench.topology.CdsRecording;
import io.h2splice.bench.topology.DaprTopology;
import io.h2splice.bench.topology.DirectTopology;
import io.h2splice.bench.topology.EchoApp;
import io.h2splice.bench.topology.H2spliceInstall;
import io.h2splice.bench.topology.PeerTopology;
import io.h2splice.bench.topology.Setup;
import io.h2splice.bench.topology.SidecarTopology;
import io.h2splice.bench.topology.TargetTopology;
import io.h2splice.bench.topology.Topology;
import io.h2splice.bench.topology.TopologyContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One benchmark run: starts the echo app and every topology's processes (a topology that cannot start is reported
 * and the run goes on), warms each topology up, then runs each scenario on every topology in turn, so that the
 * results one table compares are measured close together in time; then stops them all. Per scenario and topology:
 * warm-up, then the measured window, with CPU read at the window's edges and RSS sampled throughout.
 */
public final class Runner {

    /** How long the first call of a scenario may be refused (UNAVAILABLE) while a path comes up. */
    static final long FIRST_CALL_WITHIN_MILLIS = 10_000;

    /** The load each topology gets first, to warm up the JIT: unary 16 B, 64 in flight (the most calls per second). */
    static final Scenario WARM_UP = Scenario.parse("unary-16B-c64");

    private final Options options;
    private final String[] args;
    private final Map<String, String> env;
    private final Progress progress;
    private final Map<String, List<Cell>> cells = new LinkedHashMap<>();
    private boolean failed;

    /** What a run produced: the report, where it was written, and whether anything failed. */
    public record Outcome(RunReport report, Path outDir, boolean failed) {
    }

    public Runner(Options options, String[] args, Map<String, String> env, PrintStream err, boolean terminal) {
        this.options = options;
        this.args = args.clone();
        this.env = Map.copyOf(env);
        this.progress = new Progress(err, terminal, options.topologies().size() * options.scenarios().size());
    }

    public Outcome run() throws IOException, InterruptedException {
        ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        H2spliceInstall h2splice = H2spliceInstall.locate(options.h2spliceJar(), options.sidecarJvmOpts(), env);
        Path outDir = options.out() != null ? options.out() : defaultOut(h2splice, now);
        Path logDir = outDir.resolve("logs");
        Files.createDirectories(logDir);
        Path workDir = Files.createTempDirectory("h2splice-bench-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(workDir), "bench-clean"));
        long perCell = options.warmupMillis() + options.durationMillis();
        long estimate = options.topologies().size()
                * (options.scenarios().size() * perCell + options.warmupMillis() + 2_000) / 1000;
        progress.message(options.scenarios().size() + " scenarios × " + options.topologies().size()
                + " topologies, " + Progress.seconds(options.warmupMillis()) + " warm-up + "
                + Progress.seconds(options.durationMillis()) + " measured each: about " + estimate
                + " s. Results and logs: " + outDir);

        double busyBefore = othersBusyCores();
        if (busyBefore > 0.25) {
            progress.message(String.format(Locale.ROOT, "the machine is busy: other processes use %.0f %% of a core "
                    + "right now; results will be noisy (run when it is quiet)", busyBefore * 100));
        }

        List<TopologyReport> topologyReports = new ArrayList<>();
        for (Scenario s : options.scenarios()) {
            cells.put(s.name(), new ArrayList<>());
        }
        String version = h2splice.hasJar() ? h2spliceVersion(h2splice) : null;
        try (LoadGenerator generator = new LoadGenerator()) {
            progress.between("starting the echo app");
            EchoApp.Running app;
            try {
                app = EchoApp.start(logDir, options.appThreads());
            } catch (Topology.TopologyException e) {
                progress.message("cannot run anything: " + e.getMessage());
                failed = true;
                throw new IOException(e.getMessage());
            }
            List<Active> active = new ArrayList<>();
            try {
                TopologyContext ctx = new TopologyContext(app.port(), workDir, logDir, h2splice, options.workers());
                recordCdsIfTheLauncherWould(ctx, generator);
                for (String name : options.topologies()) {
                    Topology topology = topology(name);
                    Active a = startTopology(topology, ctx, app, version, topologyReports);
                    if (a != null) {
                        active.add(a);
                    }
                }
                progress.steps(active.size() * options.scenarios().size());
                for (Active a : active) {
                    warmUp(a, generator);
                }
                for (Scenario s : options.scenarios()) {
                    for (String name : options.topologies()) {
                        Active a = active.stream().filter(x -> x.topology.name().equals(name)).findFirst()
                                .orElse(null);
                        if (a == null) {
                            continue;  // its cells were filled when it did not start
                        }
                        progress.next(name, s.name());
                        Cell cell = app.child().isAlive()
                                ? measure(a, s, generator)
                                : Cell.notRun(name, a.topology.hops(), "failed", "the echo app exited with code "
                                        + app.child().exitCode() + ": " + app.child().reason());
                        cells.get(s.name()).add(cell);
                        progress.message(summary(name, s, cell));
                    }
                }
            } finally {
                progress.clear();
                for (int i = active.size() - 1; i >= 0; i--) {
                    active.get(i).setup.close();
                }
                app.child().stop();
            }
            orderCells(cells);
            Map<String, Object> flags = flags(h2splice, version, generator.transportLabel());
            List<ScenarioReport> scenarios = new ArrayList<>();
            for (Scenario s : options.scenarios()) {
                scenarios.add(new ScenarioReport(s.name(), s.describe(), options.openLoop() ? "open" : "closed",
                        options.rate(), s.payloadBytes(), s.kind() == Scenario.Kind.STREAM, cells.get(s.name())));
            }
            Map<String, Object> machine = io.h2splice.bench.report.Machine.describe();
            machine.put("otherProcessesCoresBeforeRun", busyBefore);
            RunReport report = new RunReport(now.toOffsetDateTime().toString(), machine, flags, topologyReports,
                    scenarios);
            return new Outcome(report, outDir, failed);
        } finally {
            deleteTree(workDir);
        }
    }

    /**
     * When {@code bin/h2splice} would record its class-data sharing archive on its next run (the first after a
     * build), records it the same way first, so the sidecars start as a user's do every time after.
     */
    private void recordCdsIfTheLauncherWould(TopologyContext ctx, LoadGenerator generator) {
        boolean sidecars = options.topologies().stream().anyMatch(t -> t.equals("1hop") || t.startsWith("2hop"));
        if (!sidecars || !ctx.h2splice().cdsToRecord()) {
            return;
        }
        progress.between("recording h2splice's class-data sharing archive, as bin/h2splice does on its first run");
        try {
            Path jsa = CdsRecording.record(ctx, endpoint -> {
                try (LoadRun run = generator.start(endpoint, WARM_UP, 0, FIRST_CALL_WITHIN_MILLIS)) {
                    TimeUnit.SECONDS.sleep(1);
                    run.finish();
                } catch (LoadException e) {
                    progress.message("no calls while recording the CDS archive: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            progress.message("recorded h2splice's class-data sharing archive " + jsa
                    + " (bin/h2splice records it on its first run after a build)");
        } catch (Topology.TopologyException e) {
            progress.message("sidecars run without class-data sharing: " + e.getMessage());
        }
    }

    /** A topology whose processes run, with what is measured of them. */
    private record Active(Topology topology, Setup setup, Map<String, Long> idleRss, List<Watched> watched) {
    }

    /**
     * Starts a topology and records its report; returns it running, or {@code null} when it was skipped or failed
     * (its cells are then filled with the reason).
     */
    private Active startTopology(Topology topology, TopologyContext ctx, EchoApp.Running app, String version,
                                 List<TopologyReport> reports) {
        String name = topology.name();
        progress.between("starting " + name + ": " + topology.describe());
        Setup setup;
        try {
            setup = topology.start(ctx);
        } catch (Topology.Skipped e) {
            progress.message(name + " skipped: " + e.getMessage()
                    + (e.detail() == null ? "" : " (" + e.detail() + ")"));
            notRun(topology, "skipped", e.getMessage());
            reports.add(new TopologyReport(name, topology.describe(), topology.hops(), "skipped", e.getMessage(),
                    e.detail(), null, null, null));
            return null;
        } catch (Topology.TopologyException e) {
            failed = true;
            progress.message(name + " failed: " + e.getMessage());
            notRun(topology, "failed", e.getMessage());
            reports.add(new TopologyReport(name, topology.describe(), topology.hops(), "failed", e.getMessage(),
                    null, null, null, null));
            return null;
        }
        Map<String, Long> idle = new LinkedHashMap<>();
        for (Watched w : setup.proxies()) {
            idle.put(w.name(), w.rssKib());
        }
        List<Watched> watched = new ArrayList<>(setup.proxies());
        watched.add(new Watched("app", app.child().handle()));
        watched.add(new Watched("client", ProcessHandle.current(), false));
        String software = setup.software() != null ? setup.software()
                : name.equals("direct") || name.equals("target") ? null : version;
        reports.add(new TopologyReport(name, topology.describe(), topology.hops(), "ok", null, null, software,
                setup.readyMillis(), idle));
        return new Active(topology, setup, idle, watched);
    }

    /**
     * Before the first scenario, each running topology gets {@code --warmup} seconds of {@link #WARM_UP}, so that the
     * JIT has compiled the hot paths of its new processes (and, on the first one, of the client and the app) before
     * any scenario's own warm-up: without it the first scenario measures the compiler. A failure here is left for the
     * scenarios to report.
     */
    private void warmUp(Active a, LoadGenerator generator) throws InterruptedException {
        if (options.warmupMillis() == 0) {
            return;
        }
        progress.context(a.topology.name() + " · topology warm-up (" + WARM_UP.describe() + ")");
        try (LoadRun run = generator.start(a.setup.endpoint(), WARM_UP, 0, FIRST_CALL_WITHIN_MILLIS)) {
            progress.phase("running", options.warmupMillis());
            run.finish();
        } catch (LoadException e) {
            // the first scenario will fail the same way and say so
        }
    }

    private Cell measure(Active a, Scenario s, LoadGenerator generator) throws InterruptedException {
        Topology topology = a.topology;
        Setup setup = a.setup;
        List<Watched> watched = a.watched;
        Map<String, Long> idle = a.idleRss;
        String deaths = setup.deaths();
        if (deaths != null) {
            failed = true;
            return Cell.notRun(topology.name(), topology.hops(), "failed", deaths);
        }
        progress.status("connecting");
        LoadRun run;
        try {
            run = generator.start(setup.endpoint(), s, options.rate(), FIRST_CALL_WITHIN_MILLIS);
        } catch (LoadException e) {
            failed = true;
            String dead = setup.deaths();
            return Cell.notRun(topology.name(), topology.hops(), "failed",
                    e.getMessage() + (dead == null ? "" : "; " + dead));
        }
        Sampler sampler = new Sampler(watched, 100);
        LoadResult result;
        CpuSplit[] cpu0;
        CpuSplit[] cpu1;
        List<Optional<DataCounters>> data0;
        List<Optional<DataCounters>> data1;
        java.util.OptionalLong machine0;
        java.util.OptionalLong machine1;
        long[] peaks;
        int unfinished;
        try {
            if (options.warmupMillis() > 0) {
                progress.phase("warm-up", options.warmupMillis());
            }
            run.beginWindow();
            machine0 = ProcFiles.machineBusyNanos();
            cpu0 = sampler.cpuSplits();
            data0 = scrapeData(setup, watched);
            progress.phase("measure", options.durationMillis());
            result = run.endWindow();
            cpu1 = sampler.cpuSplits();
            data1 = scrapeData(setup, watched);
            machine1 = ProcFiles.machineBusyNanos();
            sampler.sampleOnce();
            peaks = sampler.peaksKib();
            progress.status("finishing");
            unfinished = run.finish();
        } finally {
            sampler.close();
            run.close();
        }
        List<ProcessUsage> usage = new ArrayList<>();
        int proxies = setup.proxies().size();
        long ours = 0;
        for (int i = 0; i < watched.size(); i++) {
            CpuSplit split = cpu1[i].since(cpu0[i]);
            long cpu = split.total();
            ours += cpu;
            double per1k = result.count() == 0 ? Double.NaN : cpu / 1e6 / (result.count() / 1000.0);
            String role = i < proxies ? "proxy" : watched.get(i).name();
            usage.add(new ProcessUsage(watched.get(i).name(), role, cpu, per1k,
                    idle.getOrDefault(watched.get(i).name(), 0L), peaks[i], split,
                    framing(data0.get(i), data1.get(i), result.count())));
        }
        double otherCores = machine0.isPresent() && machine1.isPresent()
                ? Math.max(0, machine1.getAsLong() - machine0.getAsLong() - ours) / (double) result.elapsedNanos()
                : Double.NaN;
        String dead = setup.deaths();
        if (result.count() == 0 || dead != null) {
            failed = true;
            String why = result.count() == 0 ? "no call succeeded in the window"
                    + (result.firstError() == null ? "" : " (first error: " + result.firstError() + ")") : "";
            return Cell.notRun(topology.name(), topology.hops(), "failed",
                    why + (dead == null ? "" : (why.isEmpty() ? "" : "; ") + dead));
        }
        if (unfinished > 0) {
            progress.message(topology.name() + " · " + s.name() + ": " + unfinished
                    + " calls or streams did not finish within 10 s after the window (a stall)");
        }
        return new Cell(topology.name(), topology.hops(), "ok", null, result.count(), result.elapsedNanos(),
                result.perSecond(), result.megabytesPerSecond(), result.errors(), result.firstError(), unfinished,
                Latency.of(result.latencies()), usage, otherCores);
    }

    /** Each watched process's DATA counters from its metrics page (empty for those without one: peers, the app). */
    private static List<Optional<DataCounters>> scrapeData(Setup setup, List<Watched> watched) {
        List<Optional<DataCounters>> out = new ArrayList<>();
        for (Watched w : watched) {
            out.add(DataCounters.scrape(setup.metricsPort(w.name())));
        }
        return out;
    }

    /** How a sidecar's received DATA was framed over the window, or null without both readings. */
    private static Framing framing(Optional<DataCounters> before, Optional<DataCounters> after, long calls) {
        if (before.isEmpty() || after.isEmpty()) {
            return null;
        }
        DataCounters a = before.get();
        DataCounters b = after.get();
        return Framing.of(b.requestBytes() - a.requestBytes(), b.requestFrames() - a.requestFrames(),
                b.responseBytes() - a.responseBytes(), b.responseFrames() - a.responseFrames(), calls);
    }

    private void notRun(Topology t, String status, String reason) {
        for (Scenario s : options.scenarios()) {
            cells.get(s.name()).add(Cell.notRun(t.name(), t.hops(), status, reason));
        }
    }

    /** Rows in the order of {@code --topologies}, whether they ran or not. */
    private void orderCells(Map<String, List<Cell>> cells) {
        List<String> order = options.topologies();
        for (List<Cell> row : cells.values()) {
            row.sort(Comparator.comparingInt(c -> order.indexOf(c.topology())));
        }
    }

    private static String summary(String topology, Scenario s, Cell c) {
        if (!c.ok()) {
            return topology + " · " + s.name() + ": " + c.status() + ": " + c.reason();
        }
        Latency l = c.latency();
        return String.format(Locale.ROOT, "%s · %s: %,.0f %s/s, %.1f MB/s, p50 %.0f µs, p99 %.0f µs%s", topology,
                s.name(), c.perSecond(), s.kind() == Scenario.Kind.STREAM ? "msg" : "req",
                c.megabytesPerSecond(), l.p50() / 1e3, l.p99() / 1e3,
                c.errors() > 0 ? ", " + c.errors() + " errors (" + c.firstError() + ")" : "");
    }

    private Topology topology(String name) {
        return switch (name) {
            case "direct" -> new DirectTopology();
            case "1hop" -> new SidecarTopology(SidecarTopology.Kind.ONE_HOP);
            case "2hop" -> new SidecarTopology(SidecarTopology.Kind.TWO_HOP);
            case "2hop-mtls" -> new SidecarTopology(SidecarTopology.Kind.TWO_HOP_MTLS);
            case "2hop-bare" -> new SidecarTopology(SidecarTopology.Kind.TWO_HOP_BARE);
            case "2hop-metrics" -> new SidecarTopology(SidecarTopology.Kind.TWO_HOP_METRICS);
            case "2hop-observed" -> new SidecarTopology(SidecarTopology.Kind.TWO_HOP_OBSERVED);
            case "target" -> new TargetTopology(options.targetHost(), options.targetPort(), options.metadata(),
                    options.targetHops());
            case "dapr" -> new DaprTopology(env, false);
            case "dapr-mtls" -> new DaprTopology(env, true);
            default -> new PeerTopology(PeerTopology.Peer.of(name), env.get("PATH"));
        };
    }

    private Map<String, Object> flags(H2spliceInstall h2splice, String version, String clientTransport) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("args", List.of(args));
        m.put("warmupSeconds", options.warmupMillis() / 1000.0);
        m.put("topologyWarmup", options.warmupMillis() == 0 ? null : WARM_UP.name());
        m.put("durationSeconds", options.durationMillis() / 1000.0);
        m.put("scenarios", options.scenarios().stream().map(Scenario::name).toList());
        m.put("topologies", options.topologies());
        m.put("loop", options.openLoop() ? "open" : "closed");
        m.put("rate", options.rate());
        m.put("concurrencyOverride", options.concurrency());
        m.put("streamWindowMessages", Scenario.STREAM_WINDOW);
        m.put("target", options.hasTarget() ? options.targetHost() + ":" + options.targetPort() : null);
        m.put("targetMetadata", new LinkedHashMap<>(options.metadata()));
        m.put("targetHops", options.targetHops());
        m.put("workers", options.workers());
        m.put("h2spliceJar", h2splice.jar() == null ? null : h2splice.jar().toString());
        m.put("h2spliceVersion", version);
        m.put("sidecarJava", h2splice.java());
        m.put("sidecarJvmFlags", h2splice.sidecarJvmFlags());
        m.put("sidecarJvmOptsSource", h2splice.jvmOptsSource());
        m.put("sidecarCds", h2splice.cdsStatus());
        m.put("appJvmOpts", io.h2splice.bench.topology.EchoApp.jvmOpts());
        m.put("appThreads", options.appThreads());
        m.put("clientTransport", clientTransport);
        m.put("clientEventLoopThreads", 1);
        m.put("clientJvmOpts", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("clockTicksPerSecond", ProcFiles.clockTicks());
        return m;
    }

    /** Cores' worth of CPU the machine spent over half a second before the run (nothing of ours runs yet). */
    private static double othersBusyCores() throws InterruptedException {
        java.util.OptionalLong a = ProcFiles.machineBusyNanos();
        Watched self = new Watched("self", ProcessHandle.current(), false);
        long self0 = self.cpuNanos();
        long t0 = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(500);
        java.util.OptionalLong b = ProcFiles.machineBusyNanos();
        long self1 = self.cpuNanos();
        if (a.isEmpty() || b.isEmpty()) {
            return Double.NaN;
        }
        return Math.max(0, b.getAsLong() - a.getAsLong() - (self1 - self0)) / (double) (System.nanoTime() - t0);
    }

    /** {@code java -jar h2splice.jar --version}'s line, or {@code null}. */
    private static String h2spliceVersion(H2spliceInstall h2splice) {
        Process p = null;
        try {
            p = new ProcessBuilder(h2splice.java(), "-jar", h2splice.jar().toString(), "--version")
                    .redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(1024), StandardCharsets.UTF_8).strip();
            }
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()
                    ? out.split("\\R")[0] : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    static Path defaultOut(H2spliceInstall h2splice, ZonedDateTime now) {
        String stamp = now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss", Locale.ROOT));
        if (h2splice.root() != null && Files.isDirectory(h2splice.root().resolve("proxy-bench"))) {
            return h2splice.root().resolve("proxy-bench").resolve("results").resolve(stamp);
        }
        return Path.of("bench-results", stamp).toAbsolutePath();
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover in the temp directory is harmless
                }
            });
        } catch (IOException | RuntimeException e) {
            // idem
        }
    }
}
