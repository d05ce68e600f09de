package io.h2splice.bench.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A process the benchmark measures, with the processes it started (nginx's and nghttpx's workers): CPU time and RSS
 * are summed over the live tree. RSS of a tree counts pages shared between a master and its workers once per process.
 *
 * @param name        what the report calls it ({@code sidecar A}, {@code nginx B}, {@code app})
 * @param root        the process started by the benchmark
 * @param descendants whether its children count too: not for the benchmark's own process, whose children are the
 *                    measured processes
 */
public record Watched(String name, ProcessHandle root, boolean descendants) {

    /** A process measured with its children. */
    public Watched(String name, ProcessHandle root) {
        this(name, root, true);
    }

    public Watched {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
    }

    /** CPU time (user + system) of the tree in nanoseconds; 0 for processes already gone. */
    public long cpuNanos() {
        long sum = 0;
        for (ProcessHandle p : tree()) {
            OptionalLong n = ProcFiles.cpuNanos(p.pid());
            sum += n.orElse(0);
        }
        return sum;
    }

    /** CPU time of the tree split by user/system and thread kind ({@link CpuSplit}); zero for processes gone. */
    public CpuSplit cpuSplit() {
        CpuSplit sum = CpuSplit.ZERO;
        for (ProcessHandle p : tree()) {
            sum = sum.plus(ProcFiles.cpuSplit(p.pid()).orElse(CpuSplit.ZERO));
        }
        return sum;
    }

    /** Resident memory of the tree in KiB; 0 when none of it can be read. */
    public long rssKib() {
        long sum = 0;
        for (ProcessHandle p : tree()) {
            sum += ProcFiles.rssKib(p.pid()).orElse(0);
        }
        return sum;
    }

    /** The root and, if they count, its live descendants. */
    public List<ProcessHandle> tree() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        if (descendants) {
            root.descendants().forEach(all::add);
        }
        return all;
    }
}
