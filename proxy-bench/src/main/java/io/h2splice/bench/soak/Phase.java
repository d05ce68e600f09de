package io.h2splice.bench.soak;

import io.h2splice.bench.load.LoadException;
import io.h2splice.bench.proc.Watched;
import io.h2splice.bench.topology.Setup;
import io.h2splice.bench.topology.SidecarTopology;
import io.h2splice.bench.topology.Topology;
import io.h2splice.bench.topology.TopologyContext;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One phase of the soak: starts the two mTLS sidecars ({@code 2hop-mtls}, with the launcher's JVM flags and, for the
 * PARANOID phase, {@code -Dio.netty.leakDetection.level=paranoid}), runs the load for the phase's length while
 * {@link PhaseSampler} samples, then makes each sidecar collect ({@code jcmd GC.run}) and keeps the load on
 * {@value #AFTER_GC_SECONDS} s more, so a buffer that was never released is found and reported (Netty reports a leak
 * when the next buffer is tracked after the collection). Then it stops the load (waiting for calls in flight), stops
 * the sidecars and scans their logs.
 */
final class Phase {

    static final long AFTER_GC_SECONDS = 5;
    static final long SAMPLE_SECONDS = 10;
    static final int HISTOGRAM_EVERY = 6;  // samples: once a minute
    static final long FIRST_CALL_WITHIN_MILLIS = 30_000;
    static final long DRAIN_MILLIS = 30_000;

    /**
     * What a phase produced.
     *
     * @param leakLevel  Netty's leak detection level asked for, or {@code null} for the default
     * @param ranSeconds from the load's start to the last sample
     * @param stalled    calls still running {@link #DRAIN_MILLIS} ms after the load stopped (cancelled then)
     * @param failure    why the phase could not run or ended early (a sidecar exited), or {@code null}
     * @param notes      readings that failed (a jcmd, a metrics page), for the report
     */
    record Result(String name, String leakLevel, long plannedSeconds, double ranSeconds, Timeline timeline,
                  Outcomes.Snapshot outcomes, int stalled, long channelsOpened, LogScan logs, String failure,
                  Map<String, Long> pids, Map<String, Long> readyMillis, List<String> notes) {
    }

    private Phase() {
    }

    /** @param app the echo app, whose CPU is plotted beside the sidecars' */
    static Result run(String name, String leakLevel, long seconds, double rate, SoakOptions options,
                      TopologyContext ctx, Watched app, PrintStream progress) throws InterruptedException {
        List<String> flags = leakLevel == null ? List.of() : List.of("-Dio.netty.leakDetection.level=" + leakLevel);
        Topology topology = new SidecarTopology(SidecarTopology.Kind.TWO_HOP_MTLS, flags);
        Setup setup;
        try {
            setup = topology.start(ctx);
        } catch (Topology.Skipped | Topology.TopologyException e) {
            return failed(name, leakLevel, seconds, "the sidecars did not start: " + e.getMessage());
        }
        List<String> notes = new ArrayList<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        List<SidecarProbe> probes = new ArrayList<>();
        for (Watched w : setup.proxies()) {
            pids.put(w.name(), w.root().pid());
            probes.add(new SidecarProbe(w.name(), w.root().pid(), setup.metricsPort(w.name())));
        }
        long start = System.nanoTime();
        SoakLoad load = new SoakLoad(new Mix(options.seed()), rate, start);
        List<Watched> cpu = new ArrayList<>(setup.proxies());
        cpu.add(app);
        cpu.add(new Watched("client", ProcessHandle.current(), false));
        PhaseSampler sampler = new PhaseSampler(probes, cpu, load, start, HISTOGRAM_EVERY, progress);
        String failure = null;
        try {
            load.start(setup.endpoint(), FIRST_CALL_WITHIN_MILLIS);
            sampler.start(SAMPLE_SECONDS);
            failure = runFor(setup, start, seconds);
            if (failure == null) {
                collectThenRun(probes, notes);
                failure = setup.deaths();
            }
            Timeline timeline = sampler.finish();
            int stalled = load.stop(DRAIN_MILLIS);
            Outcomes.Snapshot outcomes = load.snapshot();
            long opened = load.channelsOpened();
            double ran = lastPoint(timeline);
            load.close();
            String dead = setup.deaths();
            setup.close();
            for (SidecarProbe p : probes) {
                if (p.lastError() != null) {
                    notes.add(p.name() + ": " + p.lastError());
                }
            }
            return new Result(name, leakLevel, seconds, ran, timeline, outcomes, stalled, opened,
                    LogScan.files(setup.logs()), failure != null ? failure : dead, pids, setup.readyMillis(), notes);
        } catch (LoadException e) {
            return failed(name, leakLevel, seconds, e.getMessage()
                    + (setup.deaths() == null ? "" : "; " + setup.deaths()));
        } finally {
            sampler.close();
            load.close();
            setup.close();
        }
    }

    /** Waits until {@code seconds} after {@code start}; returns why it stopped early (a sidecar exited), or null. */
    private static String runFor(Setup setup, long start, long seconds) throws InterruptedException {
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String dead = setup.deaths();
            if (dead != null) {
                return dead;
            }
            TimeUnit.MILLISECONDS.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        return null;
    }

    /** {@code jcmd GC.run} on each sidecar, then {@value #AFTER_GC_SECONDS} s more load. */
    private static void collectThenRun(List<SidecarProbe> probes, List<String> notes) throws InterruptedException {
        for (SidecarProbe p : probes) {
            try {
                Jcmd.run(p.pid(), "GC.run");
            } catch (IOException e) {
                notes.add(p.name() + ": " + e.getMessage());
            }
        }
        TimeUnit.SECONDS.sleep(AFTER_GC_SECONDS);
    }

    private static double lastPoint(Timeline timeline) {
        double last = 0;
        for (Series s : timeline.all()) {
            if (!s.points().isEmpty()) {
                last = Math.max(last, s.points().get(s.points().size() - 1)[0]);
            }
        }
        return last;
    }

    private static Result failed(String name, String leakLevel, long seconds, String why) {
        return new Result(name, leakLevel, seconds, 0, new Timeline(), new Outcomes(0).snapshot(), 0, 0,
                new LogScan(0, 0, 0, List.of(), List.of(), List.of()), why, Map.of(), Map.of(), List.of());
    }
}
