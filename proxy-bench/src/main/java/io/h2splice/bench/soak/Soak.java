package io.h2splice.bench.soak;

import io.h2splice.bench.proc.ProcFiles;
import io.h2splice.bench.proc.Watched;
import io.h2splice.bench.report.Machine;
import io.h2splice.bench.topology.EchoApp;
import io.h2splice.bench.topology.H2spliceInstall;
import io.h2splice.bench.topology.Topology;
import io.h2splice.bench.topology.TopologyContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar proxy-bench.jar --soak DURATION}: starts the echo app, runs the PARANOID phase (unless
 * {@code --soak-paranoid 0}) and then the soak phase, each on a fresh pair of sidecars, and writes {@code soak.json}
 * and {@code soak.html}. See {@link SoakOptions#USAGE} and {@code proxy-bench/README.md}.
 */
public final class Soak {

    static final String JSON = "soak.json";
    static final String HTML = "soak.html";

    private Soak() {
    }

    /** Whether {@code args} ask for the soak ({@code --soak} among them). */
    public static boolean wanted(String[] args) {
        return SoakOptions.wanted(args);
    }

    /** Runs the soak; returns the exit code (0 passed, 1 failed, 2 bad flags). */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        SoakOptions o;
        try {
            o = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("proxy-bench --soak: " + e.getMessage() + " (see --soak 1m --help)");
            return 2;
        }
        if (o.help()) {
            out.print(SoakOptions.USAGE);
            return 0;
        }
        try {
            return soak(o, args, out, err, env);
        } catch (IOException e) {
            err.println("proxy-bench --soak: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("proxy-bench --soak: interrupted");
            return 130;
        }
    }

    private static int soak(SoakOptions o, String[] args, PrintStream out, PrintStream err, Map<String, String> env)
            throws IOException, InterruptedException {
        ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        H2spliceInstall h2splice = H2spliceInstall.locate(o.h2spliceJar(), o.sidecarJvmOpts(), env);
        if (!h2splice.hasJar()) {
            err.println("proxy-bench --soak: " + h2splice.whyNoJar());
            return 1;
        }
        Path outDir = o.out() != null ? o.out() : defaultOut(h2splice, now);
        Files.createDirectories(outDir.resolve("logs"));
        Path work = Files.createTempDirectory("h2splice-soak-");
        long total = o.paranoidSeconds() + o.durationSeconds();
        err.printf(Locale.ROOT, "soak: %s PARANOID at %.0f calls/s + %s at %.0f calls/s, seed %d; about %s in all."
                + " Results: %s%n", Fmt.clock(o.paranoidSeconds()), o.paranoidRate(), Fmt.clock(o.durationSeconds()),
                o.rate(), o.seed(), Fmt.clock(total + 60), outDir);
        double busy = othersBusyCores();
        if (busy > SoakReport.BUSY_CORES) {
            err.printf(Locale.ROOT, "soak: the machine is busy: other processes use %.1f cores right now; the sidecars "
                    + "will share the CPU with them (run it when the machine is quiet)%n", busy);
        }
        List<Phase.Result> phases = new ArrayList<>();
        EchoApp.Running app;
        try {
            app = EchoApp.start(outDir.resolve("logs"), 1);
        } catch (Topology.TopologyException e) {
            err.println("proxy-bench --soak: " + e.getMessage());
            return 1;
        }
        try {
            if (o.paranoidSeconds() > 0) {
                phases.add(phase("paranoid", "paranoid", o.paranoidSeconds(), o.paranoidRate(), o, app, h2splice,
                        outDir, work, err));
            }
            phases.add(phase("soak", null, o.durationSeconds(), o.rate(), o, app, h2splice, outDir, work, err));
        } finally {
            app.child().stop();
            deleteTree(work);
        }
        SoakReport report = SoakReport.of(now.toOffsetDateTime().toString(), Machine.describe(),
                flags(o, args, h2splice), phases, o.warmupSeconds(),
                Flatness.window(o.durationSeconds(), o.warmupSeconds()));
        Files.writeString(outDir.resolve(JSON), SoakJson.render(report), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve(HTML), SoakHtml.render(report), StandardCharsets.UTF_8);
        print(report, out);
        out.println("JSON: " + outDir.resolve(JSON).toAbsolutePath());
        out.println("HTML: " + outDir.resolve(HTML).toAbsolutePath());
        return report.passed() ? 0 : 1;
    }

    private static Phase.Result phase(String name, String leakLevel, long seconds, double rate, SoakOptions o,
                                      EchoApp.Running app, H2spliceInstall h2splice, Path outDir, Path work,
                                      PrintStream err)
            throws IOException, InterruptedException {
        Path logs = Files.createDirectories(outDir.resolve("logs").resolve(name));
        Path dir = Files.createDirectories(work.resolve(name));
        err.printf(Locale.ROOT, "%s phase: %s at %.0f calls/s, Netty leak detection %s%n", name, Fmt.clock(seconds),
                rate, leakLevel == null ? "at its default" : leakLevel);
        Phase.Result r = Phase.run(name, leakLevel, seconds, rate, o,
                new TopologyContext(app.port(), dir, logs, h2splice, o.workers()),
                new Watched("app", app.child().handle()), err);
        err.printf(Locale.ROOT, "%s phase: %,d calls, %,d unexpected, %d LEAK: lines%s%n", name, r.outcomes().ended(),
                r.outcomes().unexpected(), r.logs().leaks(), r.failure() == null ? "" : "; " + r.failure());
        return r;
    }

    /** The verdict line, the failures, and the judged series one per line. */
    static void print(SoakReport r, PrintStream out) {
        out.println(r.verdictLine());
        for (String f : r.failures()) {
            out.println("  " + f);
        }
        for (String w : r.warnings()) {
            out.println("  note: " + w);
        }
        if (r.verdicts().stream().allMatch(v -> v.state() == Flatness.State.TOO_SHORT)) {
            return;  // the line said so
        }
        for (Flatness.Verdict v : r.verdicts()) {
            Series.Unit u = v.series().unit();
            out.printf(Locale.ROOT, "  %-9s %-52s %11s → %-11s %9s (±%s) %s%n", v.series().process(),
                    v.series().metric(), Fmt.value(u, v.reference()), Fmt.value(u, v.end()), v.describeChange(),
                    Fmt.value(u, v.allowed()), v.state().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
    }

    private static Map<String, Object> flags(SoakOptions o, String[] args, H2spliceInstall h2splice) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("args", List.of(args));
        m.put("soakSeconds", o.durationSeconds());
        m.put("paranoidSeconds", o.paranoidSeconds());
        m.put("warmupSeconds", o.warmupSeconds());
        m.put("rate", o.rate());
        m.put("paranoidRate", o.paranoidRate());
        m.put("seed", o.seed());
        m.put("workers", o.workers());
        m.put("topology", "2hop-mtls: client → h2splice A → h2splice B → echo app, mTLS between the sidecars");
        m.put("sampleSeconds", Phase.SAMPLE_SECONDS);
        m.put("histogramSeconds", Phase.SAMPLE_SECONDS * Phase.HISTOGRAM_EVERY);
        m.put("clientConnections", Channels.OPEN);
        m.put("clientConnectionReplacedEverySeconds", SoakLoad.ROTATE_EVERY_SECONDS);
        m.put("h2spliceJar", h2splice.jar().toString());
        m.put("sidecarJvmFlags", h2splice.sidecarJvmFlags());
        m.put("sidecarJvmOptsSource", h2splice.jvmOptsSource());
        m.put("sidecarCds", h2splice.cdsStatus());
        m.put("appJvmOpts", EchoApp.jvmOpts());
        return m;
    }

    /** Cores' worth of CPU the rest of the machine spent over the last second (nothing of the soak runs yet). */
    private static double othersBusyCores() throws InterruptedException {
        java.util.OptionalLong a = ProcFiles.machineBusyNanos();
        Watched self = new Watched("self", ProcessHandle.current(), false);
        long self0 = self.cpuNanos();
        long t0 = System.nanoTime();
        java.util.concurrent.TimeUnit.SECONDS.sleep(1);
        java.util.OptionalLong b = ProcFiles.machineBusyNanos();
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        long others = Math.max(0, b.getAsLong() - a.getAsLong() - (self.cpuNanos() - self0));
        return others / (double) (System.nanoTime() - t0);
    }

    static Path defaultOut(H2spliceInstall h2splice, ZonedDateTime now) {
        String stamp = now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss", Locale.ROOT)) + "-soak";
        if (h2splice.root() != null && Files.isDirectory(h2splice.root().resolve("proxy-bench"))) {
            return h2splice.root().resolve("proxy-bench").resolve("results").resolve(stamp);
        }
        return Path.of("bench-results", stamp).toAbsolutePath();
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a leftover in the temp directory is harmless
        }
    }
}
