package io.h2splice.bench.soak;

import io.grpc.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the soak's calls ended: a count per plan label ({@code unary · cancelled early}) and outcome ({@code CANCELLED},
 * {@code OK (ended before its cancel)}), the number that ended as their plan does not allow, and the first
 * {@value #EXAMPLES} of those as one line each. Confined to the load generator's event loop; {@link #snapshot} copies.
 */
final class Outcomes {

    static final int EXAMPLES = 20;

    private final long startNanos;
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private long started;
    private long ended;
    private long unexpected;

    /** @param startNanos the phase's time zero, for the examples' times */
    Outcomes(long startNanos) {
        this.startNanos = startNanos;
    }

    /** What was counted up to now. */
    record Snapshot(long started, long ended, long unexpected, Map<String, Map<String, Long>> counts,
                    List<String> examples) {
    }

    void started() {
        started++;
    }

    /**
     * Counts one ended call.
     *
     * @param problem       what was wrong with an answer (its bytes, how many), or {@code null}
     * @param cancelled     the client had cancelled it
     * @param afterDeadline it ended once its deadline had passed
     */
    void ended(CallPlan plan, Status status, String problem, boolean cancelled, boolean afterDeadline) {
        ended++;
        Status.Code code = status.getCode();
        boolean expected = problem == null && plan.expects(code, cancelled, afterDeadline);
        String outcome = code.name();
        if (problem != null) {
            outcome += " but " + problem;
        } else if ((plan.fate() == CallPlan.Fate.CANCEL_EARLY || plan.fate() == CallPlan.Fate.CANCEL_MID)
                && code == Status.Code.OK) {
            outcome = "OK (ended before its cancel)";
        } else if (plan.fate() == CallPlan.Fate.DEADLINE && code == Status.Code.CANCELLED && afterDeadline) {
            outcome = "CANCELLED (after its deadline)";
        } else if (code == Status.Code.CANCELLED && !cancelled) {
            outcome = "CANCELLED (not by the client)";
        }
        counts.computeIfAbsent(plan.label(), k -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
        if (!expected) {
            unexpected++;
            if (examples.size() < EXAMPLES) {
                examples.add(String.format(Locale.ROOT, "%.1f s: call %d, %s, %d B x %d: %s%s%s",
                        (System.nanoTime() - startNanos) / 1e9, plan.seq(), plan.label(), plan.size(),
                        plan.messages(), outcome, status.getDescription() == null ? "" : ": "
                                + status.getDescription(), status.getCause() == null ? "" : " ("
                                + status.getCause() + ")"));
            }
        }
    }

    long inFlight() {
        return started - ended;
    }

    Snapshot snapshot() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
        return new Snapshot(started, ended, unexpected, copy, List.copyOf(examples));
    }
}
