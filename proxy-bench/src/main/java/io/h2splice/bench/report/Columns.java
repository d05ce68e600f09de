package io.h2splice.bench.report;

import io.h2splice.bench.proc.CpuSplit;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-scenario table, shared by the console and the HTML report: one row per topology with requests/s, MB/s,
 * p50/p90/p99/p99.9, the latency added per hop at p50 and p99 over direct, the share of direct's throughput, CPU ms
 * per 1,000 calls of each proxy (in hop order) and each proxy's RSS (idle → peak, MiB).
 */
final class Columns {

    /** Other processes' CPU above which a window is flagged as noisy: a tenth of a core. */
    static final double NOISY_CORES = 0.10;

    static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p99.9");

    private Columns() {
    }

    static List<String> header(ScenarioReport s, Format f) {
        List<String> h = new ArrayList<>(List.of("topology", s.streaming() ? "msg/s" : "req/s", "MB/s"));
        h.addAll(PERCENTILES);
        h.addAll(List.of("+p50/hop", "+p99/hop", "% direct", "CPU ms/1k " + (s.streaming() ? "msgs" : "calls"),
                "RSS MiB idle" + f.arrow() + "peak"));
        return h;
    }

    /** The cells of an ok row; a row that did not run is the topology and its reason. */
    static List<String> row(ScenarioReport s, Cell c, Format f) {
        List<String> r = new ArrayList<>();
        r.add(c.topology());
        if (!c.ok()) {
            r.add(c.status() + ": " + c.reason());
            return r;
        }
        Latency l = c.latency();
        r.add(Format.count(c.perSecond()));
        r.add(Format.mb(c.megabytesPerSecond()));
        r.add(f.latency(l.p50()));
        r.add(f.latency(l.p90()));
        r.add(f.latency(l.p99()));
        r.add(f.latency(l.p999()));
        r.add(f.added(s.addedPerHop(c, 50)));
        r.add(f.added(s.addedPerHop(c, 99)));
        r.add(Format.percent(s.shareOfDirect(c)));
        List<String> cpu = new ArrayList<>();
        List<String> rss = new ArrayList<>();
        for (ProcessUsage p : c.proxies()) {
            cpu.add(Format.cpu(p.cpuMsPer1k()));
            rss.add(Format.mib(p.rssIdleKib()) + f.arrow() + Format.mib(p.rssPeakKib()));
        }
        r.add(cpu.isEmpty() ? "-" : String.join(" / ", cpu));
        r.add(rss.isEmpty() ? "-" : String.join(" / ", rss));
        return r;
    }

    /**
     * Where each proxy's CPU went, one line per topology that ran: ms per 1,000 calls (or messages) in user and
     * system time, and for a JVM by thread kind ({@link io.h2splice.bench.proc.CpuSplit}: the event loops, the JIT,
     * the collector, the rest).
     */
    static List<String> cpuSplit(ScenarioReport s) {
        List<String> lines = new ArrayList<>();
        for (Cell c : s.cells()) {
            if (!c.ok() || c.proxies().isEmpty()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (ProcessUsage p : c.proxies()) {
                CpuSplit k = p.cpu();
                String part = p.name() + " user " + Format.cpu(p.per1k(k.user())) + ", system "
                        + Format.cpu(p.per1k(k.system()));
                if (k.loop() + k.jit() + k.gc() > 0) {
                    part += " (event loops " + Format.cpu(p.per1k(k.loop())) + ", JIT " + Format.cpu(p.per1k(k.jit()))
                            + ", GC " + Format.cpu(p.per1k(k.gc())) + ", other " + Format.cpu(p.per1k(k.other()))
                            + ")";
                }
                parts.add(part);
            }
            lines.add(c.topology() + ": " + String.join("; ", parts));
        }
        return lines;
    }

    /**
     * How each sidecar's received DATA was framed, one line per topology whose proxies report it: frames per call
     * (or message) and bytes per frame, requests and responses.
     */
    static List<String> framing(ScenarioReport s) {
        List<String> lines = new ArrayList<>();
        for (Cell c : s.cells()) {
            if (!c.ok()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (ProcessUsage p : c.proxies()) {
                Framing f = p.framing();
                if (f != null) {
                    parts.add(p.name() + " requests " + frames(f.requestFramesPer(), f.requestBytesPerFrame())
                            + ", responses " + frames(f.responseFramesPer(), f.responseBytesPerFrame()));
                }
            }
            if (!parts.isEmpty()) {
                lines.add(c.topology() + ": " + String.join("; ", parts));
            }
        }
        return lines;
    }

    private static String frames(double perCall, double bytesPerFrame) {
        return Double.isNaN(perCall) ? "-" : String.format(java.util.Locale.ROOT, "%.1f", perCall)
                + (Double.isNaN(bytesPerFrame) ? "" : String.format(java.util.Locale.ROOT, " of %.0f B", bytesPerFrame));
    }

    /** Errors and stalls of a scenario, one line per topology that had them. */
    static List<String> notes(ScenarioReport s) {
        List<String> notes = new ArrayList<>();
        for (Cell c : s.cells()) {
            if (!c.ok()) {
                continue;
            }
            if (c.errors() > 0) {
                notes.add(c.topology() + ": " + c.errors() + " error" + (c.errors() == 1 ? "" : "s")
                        + " in the window (first: " + c.firstError() + ")");
            }
            if (c.otherCores() > NOISY_CORES) {
                notes.add(c.topology() + ": other processes on the machine used " + Math.round(c.otherCores() * 100)
                        + " % of a core during the window: noisy");
            }
            if (c.unfinished() > 0) {
                notes.add(c.topology() + ": " + c.unfinished() + (s.streaming() ? " streams" : " calls")
                        + " still unfinished 10 s after the window, cancelled (a stall)");
            }
        }
        return notes;
    }
}
