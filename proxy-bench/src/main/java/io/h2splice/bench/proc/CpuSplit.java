package io.h2splice.bench.proc;

/**
 * A process's CPU time split two ways, in nanoseconds: user against system (the kernel: syscalls, the socket stack),
 * and by the kind of thread that spent it, from each thread's name ({@code /proc/<pid>/task/<tid>/comm}):
 * <ul>
 *   <li>{@code loop}: h2splice's event loops ({@code h2splice-loop-…}, {@code h2splice-accept-…}), the relay itself;</li>
 *   <li>{@code jit}: the JVM's compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…});</li>
 *   <li>{@code gc}: the collector ({@code VM Thread}, where the serial collector runs, and {@code GC Thread…},
 *       {@code G1 …});</li>
 *   <li>{@code other}: the rest, including threads that ended during the window. A C proxy's time is all here.</li>
 * </ul>
 */
public record CpuSplit(long user, long system, long loop, long jit, long gc, long other) {

    public static final CpuSplit ZERO = new CpuSplit(0, 0, 0, 0, 0, 0);

    public long total() {
        return user + system;
    }

    public CpuSplit plus(CpuSplit o) {
        return new CpuSplit(user + o.user, system + o.system, loop + o.loop, jit + o.jit, gc + o.gc,
                other + o.other);
    }

    /** What was spent since {@code before} (never below 0: a thread that ended takes its time from its kind). */
    public CpuSplit since(CpuSplit before) {
        return new CpuSplit(Math.max(0, user - before.user), Math.max(0, system - before.system),
                Math.max(0, loop - before.loop), Math.max(0, jit - before.jit), Math.max(0, gc - before.gc),
                Math.max(0, other - before.other));
    }

    /** The kind of thread a name ({@code comm}, at most 15 characters) is: loop, jit, gc or other. */
    static String kind(String comm) {
        if (comm.startsWith("h2splice-loop") || comm.startsWith("h2splice-accep")) {
            return "loop";
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "jit";
        }
        if (comm.equals("VM Thread") || comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    /**
     * A process's split from its own utime/stime and its threads' names and CPU ticks ({@code threads}: name and
     * ticks of each live thread); {@code other} is what the named kinds do not account for.
     */
    static CpuSplit of(long userNanos, long systemNanos, Iterable<java.util.Map.Entry<String, Long>> threads) {
        long loop = 0;
        long jit = 0;
        long gc = 0;
        for (java.util.Map.Entry<String, Long> t : threads) {
            switch (kind(t.getKey())) {
                case "loop" -> loop += t.getValue();
                case "jit" -> jit += t.getValue();
                case "gc" -> gc += t.getValue();
                default -> { }
            }
        }
        long other = Math.max(0, userNanos + systemNanos - loop - jit - gc);
        return new CpuSplit(userNanos, systemNanos, loop, jit, gc, other);
    }
}
