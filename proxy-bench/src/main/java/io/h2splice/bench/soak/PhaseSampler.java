package io.h2splice.bench.soak;

import io.h2splice.bench.proc.ProcFiles;
import io.h2splice.bench.proc.Watched;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Samples a phase every {@code periodSeconds} on one daemon thread: each sidecar's {@link SidecarProbe#sample}, the
 * load's counts (calls ended per second over the period, calls in flight, unexpected endings so far), the CPU each
 * process used over the period and what the rest of the machine used (other engineers' builds show there), and every
 * {@code histogramEvery}-th time (the first included) each sidecar's class histogram. One progress line per minute.
 */
final class PhaseSampler implements AutoCloseable {

    private final List<SidecarProbe> probes;
    private final List<Watched> cpu;
    private final long[] lastCpu;
    private long lastMachine = -1;
    private final SoakLoad load;
    private final long startNanos;
    private final int histogramEvery;
    private final PrintStream progress;
    private final Timeline timeline = new Timeline();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-sampler");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> task;
    private int ticks;
    private long lastEnded;
    private double lastSeconds;
    private double previousCpuSeconds;

    /** @param cpu the processes whose CPU is plotted: the sidecars, the app, this process (the client) */
    PhaseSampler(List<SidecarProbe> probes, List<Watched> cpu, SoakLoad load, long startNanos, int histogramEvery,
                 PrintStream progress) {
        this.probes = List.copyOf(probes);
        this.cpu = List.copyOf(cpu);
        this.lastCpu = new long[cpu.size()];
        this.load = load;
        this.startNanos = startNanos;
        this.histogramEvery = histogramEvery;
        this.progress = progress;
    }

    void start(long periodSeconds) {
        task = thread.scheduleAtFixedRate(() -> tick(false), 0, periodSeconds, TimeUnit.SECONDS);
    }

    private void tick(boolean last) {
        try {
            double t = (System.nanoTime() - startNanos) / 1e9;
            boolean histogram = ticks++ % histogramEvery == 0 || last;
            Outcomes.Snapshot s = load.snapshot();
            double rate = t > lastSeconds ? (s.ended() - lastEnded) / (t - lastSeconds) : 0;
            lastEnded = s.ended();
            lastSeconds = t;
            timeline.add("client", "calls ended per second", Series.Unit.RATE, false, t, rate);
            timeline.add("client", "calls in flight", Series.Unit.RATE, false, t, load.inFlight());
            timeline.add("client", "unexpected endings (total)", Series.Unit.RATE, false, t, s.unexpected());
            cpu(t);
            for (SidecarProbe p : probes) {
                p.sample(timeline, t);
            }
            if (histogram) {
                for (SidecarProbe p : probes) {
                    p.histogram(timeline, t);
                }
            }
            if (histogram) {  // once a minute with the default period, and at the end
                progress.printf(Locale.ROOT, "  %5.0f s: %,d calls ended, %,d in flight, %,d unexpected%n", t,
                        s.ended(), s.started() - s.ended(), s.unexpected());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            progress.println("  sampling failed: " + e);
        }
    }

    /** Cores used by each watched process, and by all the others, since the last sample (nothing at the first). */
    private void cpu(double t) {
        double seconds = t - previousCpuSeconds;
        long ours = 0;
        long ourDelta = 0;
        for (int i = 0; i < cpu.size(); i++) {
            long now = cpu.get(i).cpuNanos();
            if (lastMachine >= 0 && seconds > 0) {
                timeline.add(cpu.get(i).name(), "CPU (cores)", Series.Unit.RATE, false, t,
                        (now - lastCpu[i]) / 1e9 / seconds);
            }
            ourDelta += now - lastCpu[i];
            lastCpu[i] = now;
            ours += now;
        }
        long machine = ProcFiles.machineBusyNanos().orElse(-1);
        if (lastMachine >= 0 && machine >= 0 && seconds > 0) {
            timeline.add("other processes", "CPU (cores)", Series.Unit.RATE, false, t,
                    Math.max(0, machine - lastMachine - ourDelta) / 1e9 / seconds);
        }
        lastMachine = machine;
        previousCpuSeconds = t;
    }

    /** Takes one last sample now (with a histogram), then stops. */
    Timeline finish() throws InterruptedException {
        task.cancel(false);
        thread.submit(() -> tick(true));
        thread.shutdown();
        thread.awaitTermination(2, TimeUnit.MINUTES);
        return timeline;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
