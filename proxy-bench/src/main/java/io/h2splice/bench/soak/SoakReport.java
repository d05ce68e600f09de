package io.h2splice.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A soak's results and the verdict on them. The soak fails when a phase could not run or a sidecar exited, a call
 * ended with a status its plan does not allow (a stall counts: it is cancelled at the end), a sidecar logged
 * {@code LEAK:}, or a judged series of the soak phase grew past its tolerance after the warm-up. A series that fell is
 * reported as not flat but fails nothing: memory given back is not a leak.
 *
 * @param verdicts     each judged series of the last phase
 * @param classes      the class histogram series of the last phase, judged for the report only
 * @param failures     why the soak failed, one line each; empty when it passed
 * @param warnings     what makes the numbers less telling without failing the soak: a busy machine
 */
record SoakReport(String timestamp, Map<String, Object> machine, Map<String, Object> flags, List<Phase.Result> phases,
                  double warmupSeconds, double windowSeconds, List<Flatness.Verdict> verdicts,
                  List<Flatness.Verdict> classes, List<String> failures, List<String> warnings) {

    static final double TOLERANCE = 0.10;
    /** Cores other processes may use (median over a phase) before the report says the machine was busy. */
    static final double BUSY_CORES = 0.5;

    /** @param windowSeconds the length of the windows compared ({@link Flatness#window}) */
    static SoakReport of(String timestamp, Map<String, Object> machine, Map<String, Object> flags,
                         List<Phase.Result> phases, double warmupSeconds, double windowSeconds) {
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Phase.Result p : phases) {
            for (Series s : p.timeline().all()) {
                double busy = Flatness.median(s.points(), 0, Double.MAX_VALUE);
                if (s.process().equals("other processes") && busy > BUSY_CORES) {
                    warnings.add(String.format(Locale.ROOT, "%s: other processes used %.1f cores (median of the "
                            + "samples): the machine was busy, so the sidecars shared the CPU with more than this load",
                            p.name(), busy));
                }
            }
            if (p.failure() != null) {
                failures.add(p.name() + ": " + p.failure());
            }
            if (p.outcomes().unexpected() > 0) {
                failures.add(String.format(Locale.ROOT, "%s: %,d of %,d calls ended with a status their kind does "
                        + "not allow", p.name(), p.outcomes().unexpected(), p.outcomes().ended()));
            }
            if (p.logs().leaks() > 0) {
                failures.add(p.name() + ": " + p.logs().leaks() + " LEAK: lines in the sidecars' logs");
            }
        }
        List<Flatness.Verdict> verdicts = new ArrayList<>();
        List<Flatness.Verdict> classes = new ArrayList<>();
        if (!phases.isEmpty()) {
            Phase.Result last = phases.get(phases.size() - 1);
            for (Series s : last.timeline().all()) {
                Flatness.Verdict v = Flatness.judge(s, warmupSeconds, windowSeconds, TOLERANCE);
                if (s.judged()) {
                    verdicts.add(v);
                    if (v.state() == Flatness.State.GREW) {
                        failures.add(String.format(Locale.ROOT, "%s: %s of %s grew %s after the warm-up", last.name(),
                                s.metric(), s.process(), v.describeChange()));
                    }
                } else if (s.unit() == Series.Unit.INSTANCES) {
                    classes.add(v);
                }
            }
        }
        return new SoakReport(timestamp, machine, flags, phases, warmupSeconds, windowSeconds, verdicts, classes,
                failures, warnings);
    }

    boolean passed() {
        return failures.isEmpty();
    }

    /** The verdict in one line: flat or not, calls, leaks. */
    String verdictLine() {
        long flat = verdicts.stream().filter(v -> v.state() == Flatness.State.FLAT).count();
        long judged = verdicts.stream().filter(v -> v.state() != Flatness.State.TOO_SHORT).count();
        long calls = phases.stream().mapToLong(p -> p.outcomes().ended()).sum();
        long unexpected = phases.stream().mapToLong(p -> p.outcomes().unexpected()).sum();
        long leaks = phases.stream().mapToLong(p -> p.logs().leaks()).sum();
        String flatness = judged == 0 ? "flatness not judged (the run ended before the warm-up mark + 1 min)"
                : String.format(Locale.ROOT, "%d of %d series flat within %.0f %% (median of %s–%s against the last "
                        + "%s)", flat, judged, TOLERANCE * 100, Fmt.clock(warmupSeconds),
                        Fmt.clock(warmupSeconds + windowSeconds), Fmt.clock(windowSeconds));
        return String.format(Locale.ROOT, "%s: %s; %,d unexpected endings in %,d calls; %d LEAK: lines",
                passed() ? "PASS" : "FAIL", flatness, unexpected, calls, leaks);
    }
}
