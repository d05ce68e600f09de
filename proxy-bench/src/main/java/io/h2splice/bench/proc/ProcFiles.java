package io.h2splice.bench.proc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmark reads from Linux's {@code /proc}: CPU time ({@code /proc/<pid>/stat} utime + stime, in clock
 * ticks) and resident memory ({@code VmRSS} of {@code /proc/<pid>/status}). The parsers take the files' text, so tests
 * feed them samples; the readers return empty when the process is gone or {@code /proc} does not exist.
 */
public final class ProcFiles {

    /** Clock ticks per second when {@code getconf CLK_TCK} cannot be asked: Linux's USER_HZ on every architecture. */
    static final long DEFAULT_CLOCK_TICKS = 100;

    private static volatile long clockTicks;

    private ProcFiles() {
    }

    /**
     * utime + stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line, in clock ticks. The command name (field 2)
     * is in parentheses and may hold spaces and parentheses itself, so fields are counted after the last {@code ')'}.
     *
     * @throws IllegalArgumentException when the line does not have those fields
     */
    public static long cpuTicks(String statLine) {
        long[] split = cpuTicksSplit(statLine);
        return split[0] + split[1];
    }

    /** utime and stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line, in clock ticks; see {@link #cpuTicks}. */
    static long[] cpuTicksSplit(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("no ')' after the command name in: " + abbreviate(statLine));
        }
        // after ") " come field 3 (state), 4 (ppid), ... so field N is at index N - 3
        String[] f = statLine.substring(close + 1).trim().split("\\s+");
        if (f.length < 13) {
            throw new IllegalArgumentException("too few fields in: " + abbreviate(statLine));
        }
        try {
            return new long[] {Long.parseLong(f[14 - 3]), Long.parseLong(f[15 - 3])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("utime/stime are not numbers in: " + abbreviate(statLine), e);
        }
    }

    /**
     * {@code VmRSS} of a {@code /proc/<pid>/status} text, in KiB (the kernel writes {@code kB}, meaning KiB); empty for
     * a process without memory of its own (a zombie or a kernel thread has no {@code VmRSS} line).
     */
    public static OptionalLong vmRssKib(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                String unit = parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "kb";
                return OptionalLong.of(switch (unit) {
                    case "kb" -> value;
                    case "mb" -> value * 1024;
                    case "gb" -> value * 1024 * 1024;
                    default -> throw new IllegalArgumentException("unknown unit in: " + line);
                });
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The machine's busy time in clock ticks from the aggregate {@code cpu} line of {@code /proc/stat}: user, nice,
     * system, irq, softirq and steal (idle and iowait left out; guest time is already in user).
     */
    public static long machineBusyTicks(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.substring(4).trim().split("\\s+");
                if (f.length < 7) {
                    throw new IllegalArgumentException("too few fields in: " + abbreviate(line));
                }
                long busy = 0;
                for (int i : new int[] {0, 1, 2, 5, 6}) {
                    busy += Long.parseLong(f[i]);
                }
                return busy + (f.length > 7 ? Long.parseLong(f[7]) : 0);
            }
        }
        throw new IllegalArgumentException("no aggregate 'cpu' line");
    }

    /** The machine's busy CPU time in nanoseconds, over all cores; empty without {@code /proc/stat}. */
    public static OptionalLong machineBusyNanos() {
        String stat = read(Path.of("/proc/stat"));
        return stat == null ? OptionalLong.empty()
                : OptionalLong.of(machineBusyTicks(stat) * TimeUnit.SECONDS.toNanos(1) / clockTicks());
    }

    /** CPU time of a running process in nanoseconds; empty when it is gone or {@code /proc} is not there. */
    public static OptionalLong cpuNanos(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(cpuTicks(stat) * TimeUnit.SECONDS.toNanos(1) / clockTicks());
    }

    /**
     * CPU time of a running process split by user/system and by its threads' kinds ({@link CpuSplit}); empty when it
     * is gone or {@code /proc} is not there.
     */
    public static java.util.Optional<CpuSplit> cpuSplit(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        String stat = read(dir.resolve("stat"));
        if (stat == null) {
            return java.util.Optional.empty();
        }
        long[] ticks = cpuTicksSplit(stat);
        java.util.List<java.util.Map.Entry<String, Long>> threads = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> tasks = java.nio.file.Files.list(dir.resolve("task"))) {
            tasks.forEach(task -> {
                String comm = read(task.resolve("comm"));
                String taskStat = read(task.resolve("stat"));
                if (comm != null && taskStat != null) {
                    threads.add(java.util.Map.entry(comm.strip(), nanos(cpuTicks(taskStat))));
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException gone) {
            // the process ended while its threads were read: what was read stands
        }
        return java.util.Optional.of(CpuSplit.of(nanos(ticks[0]), nanos(ticks[1]), threads));
    }

    private static long nanos(long ticks) {
        return ticks * TimeUnit.SECONDS.toNanos(1) / clockTicks();
    }

    /** Resident memory of a running process in KiB; empty when it is gone or {@code /proc} is not there. */
    public static OptionalLong rssKib(long pid) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        return status == null ? OptionalLong.empty() : vmRssKib(status);
    }

    /** Whether this process runs as root (effective uid 0, from {@code /proc/self/status}). */
    public static boolean isRoot() {
        String status = read(Path.of("/proc/self/status"));
        if (status == null) {
            return "root".equals(System.getProperty("user.name"));
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                return f.length > 1 && f[1].equals("0");
            }
        }
        return false;
    }

    /** {@code getconf CLK_TCK}, asked once; {@value #DEFAULT_CLOCK_TICKS} when that fails. */
    public static long clockTicks() {
        long t = clockTicks;
        if (t == 0) {
            t = askClockTicks();
            clockTicks = t;
        }
        return t;
    }

    static long parseClockTicks(String getconfOutput) {
        try {
            long t = Long.parseLong(getconfOutput.trim());
            return t > 0 ? t : DEFAULT_CLOCK_TICKS;
        } catch (NumberFormatException e) {
            return DEFAULT_CLOCK_TICKS;
        }
    }

    private static long askClockTicks() {
        Process p = null;
        try {
            p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(64), StandardCharsets.US_ASCII);
            }
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? parseClockTicks(out) : DEFAULT_CLOCK_TICKS;
        } catch (IOException e) {
            return DEFAULT_CLOCK_TICKS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_CLOCK_TICKS;
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    /** The file's text, or {@code null} when it cannot be read (the process exited). */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
