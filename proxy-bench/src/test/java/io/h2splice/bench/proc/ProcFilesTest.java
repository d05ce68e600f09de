package io.h2splice.bench.proc;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcFilesTest {

    /** {@code /proc/<pid>/stat} of a JVM: utime (14) = 1234, stime (15) = 56. */
    static final String STAT = "4242 (java) S 4200 4242 4200 0 -1 4194560 25311 0 2 0 1234 56 0 0 20 0 23 0 "
            + "1088245 3797487616 25896 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0\n";

    @Test
    void cpuTicksAreUtimePlusStime() {
        assertEquals(1290, ProcFiles.cpuTicks(STAT));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String odd = STAT.replace("(java)", "(nginx: worker (x) 1)");
        assertEquals(1290, ProcFiles.cpuTicks(odd));
    }

    @Test
    void malformedStatIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ProcFiles.cpuTicks("4242 java S 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> ProcFiles.cpuTicks("4242 (java) S 1 2 3"));
        assertThrows(IllegalArgumentException.class,
                () -> ProcFiles.cpuTicks(STAT.replace(" 1234 56 ", " x 56 ")));
    }

    @Test
    void vmRssInKib() {
        String status = "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 3708484 kB\nVmHWM:\t  110212 kB\n"
                + "VmRSS:\t  103584 kB\nRssAnon:\t   80000 kB\nThreads:\t23\n";
        assertEquals(OptionalLong.of(103_584), ProcFiles.vmRssKib(status));
        assertEquals(OptionalLong.empty(), ProcFiles.vmRssKib("Name:\tkthreadd\nState:\tS (sleeping)\n"),
                "a kernel thread or zombie has no VmRSS");
    }

    @Test
    void machineBusyLeavesOutIdleAndIowait() {
        String stat = "cpu  100 5 30 9000 70 2 3 4 0 0\ncpu0 50 2 15 4500 35 1 1 2 0 0\nintr 1 2 3\n";
        assertEquals(100 + 5 + 30 + 2 + 3 + 4, ProcFiles.machineBusyTicks(stat));
        assertThrows(IllegalArgumentException.class, () -> ProcFiles.machineBusyTicks("intr 1 2 3\n"));
    }

    @Test
    void clockTicksFromGetconfWithAFallback() {
        assertEquals(100, ProcFiles.parseClockTicks("100\n"));
        assertEquals(250, ProcFiles.parseClockTicks(" 250 "));
        assertEquals(ProcFiles.DEFAULT_CLOCK_TICKS, ProcFiles.parseClockTicks("getconf: unknown"));
        assertEquals(ProcFiles.DEFAULT_CLOCK_TICKS, ProcFiles.parseClockTicks("0"));
        assertTrue(ProcFiles.clockTicks() > 0);
    }

    @Test
    void theBenchmarksOwnProcessIsMeasuredWithoutItsChildren() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessHandle me = ProcessHandle.current();
            assertEquals(List.of(me), new Watched("client", me, false).tree());
            assertTrue(new Watched("tree", me).tree().contains(child.toHandle()));
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void thisProcessCanBeRead() {
        long pid = ProcessHandle.current().pid();
        if (ProcFiles.cpuNanos(pid).isEmpty()) {
            return;  // no /proc here
        }
        assertTrue(ProcFiles.rssKib(pid).orElse(0) > 1024, "a JVM has more than 1 MiB resident");
        assertTrue(new Watched("me", ProcessHandle.current()).cpuNanos() > 0);
        assertEquals(OptionalLong.empty(), ProcFiles.cpuNanos(Long.MAX_VALUE), "no such process");
    }

    @Test
    void threadsAreToldApartByName() {
        assertEquals("loop", CpuSplit.kind("h2splice-loop-5"));
        assertEquals("loop", CpuSplit.kind("h2splice-accept"));
        assertEquals("jit", CpuSplit.kind("C2 CompilerThre"));
        assertEquals("jit", CpuSplit.kind("C1 CompilerThre"));
        assertEquals("gc", CpuSplit.kind("VM Thread"));
        assertEquals("gc", CpuSplit.kind("GC Thread#0"));
        assertEquals("other", CpuSplit.kind("nginx"));
        assertEquals("other", CpuSplit.kind("main"));
    }

    @Test
    void theSplitKeepsUserAndSystemAndPutsWhatNoThreadExplainsInOther() {
        CpuSplit s = CpuSplit.of(700, 300, List.of(Map.entry("h2splice-loop-1", 600L), Map.entry("C2 CompilerThre",
                100L), Map.entry("VM Thread", 50L), Map.entry("main", 20L)));
        assertEquals(new CpuSplit(700, 300, 600, 100, 50, 250), s);
        assertEquals(1000, s.total());
        CpuSplit later = new CpuSplit(900, 400, 750, 100, 40, 410);
        assertEquals(new CpuSplit(200, 100, 150, 0, 0, 160), later.since(s), "a thread gone takes nothing back");
    }

    @Test
    void thisProcessSplitsItsCpu() {
        long pid = ProcessHandle.current().pid();
        java.util.Optional<CpuSplit> split = ProcFiles.cpuSplit(pid);
        if (split.isEmpty()) {
            return; // no /proc here
        }
        assertTrue(split.get().total() > 0);
        assertTrue(split.get().jit() > 0, "a JVM that ran tests has compiled something: " + split.get());
        assertEquals(java.util.Optional.empty(), ProcFiles.cpuSplit(Long.MAX_VALUE));
    }
}
