package io.h2splice.bench.proc;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Samples the RSS of a set of {@link Watched} processes on a daemon thread every {@code periodMillis}, keeping the peak
 * since the last {@link #resetPeaks()}. CPU time needs no sampling: {@link #cpuSplits()} is read at the window's edges.
 */
public final class Sampler implements AutoCloseable {

    private final List<Watched> watched;
    private final AtomicLongArray peaks;
    private final Thread thread;
    private volatile boolean running = true;

    public Sampler(List<Watched> watched, long periodMillis) {
        this.watched = List.copyOf(watched);
        this.peaks = new AtomicLongArray(this.watched.size());
        this.thread = new Thread(() -> loop(periodMillis), "bench-rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(long periodMillis) {
        while (running) {
            sampleOnce();
            try {
                TimeUnit.MILLISECONDS.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes one sample now (also called at the window's edges, so a short window has a peak). */
    public void sampleOnce() {
        for (int i = 0; i < watched.size(); i++) {
            long rss = watched.get(i).rssKib();
            peaks.accumulateAndGet(i, rss, Math::max);
        }
    }

    public void resetPeaks() {
        for (int i = 0; i < watched.size(); i++) {
            peaks.set(i, 0);
        }
    }

    /** The peak RSS in KiB of each watched process since the last reset, in the order given. */
    public long[] peaksKib() {
        long[] out = new long[watched.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = peaks.get(i);
        }
        return out;
    }

    /** The CPU time of each watched process, split ({@link CpuSplit}), in the order given. */
    public CpuSplit[] cpuSplits() {
        CpuSplit[] out = new CpuSplit[watched.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = watched.get(i).cpuSplit();
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
