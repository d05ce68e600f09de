package io.h2splice.perf.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints JMH results beside their budgets and says whether each is within them (perf/run calls it).
 *
 * <pre>java -cp perf.jar io.h2splice.perf.support.BudgetReport perf/budgets.json results.json</pre>
 *
 * <p>A budget names a benchmark by its class and method ({@code CallBenchmark.unaryCall}), optionally with the
 * parameter values it holds for ({@code "params": {"listener": "API"}}; absent parameters match any value); the
 * first matching budget applies. It holds {@code ns} (ns/op, compared with the median of the measured iterations, so
 * that one iteration disturbed by another process on a shared machine does not fail the run; the mean ± 99.9 % error
 * is shown beside it) and {@code bytes} (B/op:
 * {@code opalloc.norm} when the benchmark reports it, else {@code gc.alloc.rate.norm}, with 1 byte of slack for
 * rounding); {@code null} leaves one unchecked, {@code "baseline": true} marks a reference that is never checked.
 *
 * <p>Exit status: 0 all within budget, 1 a budget exceeded or a result has no budget, 2 bad arguments or files.
 */
public final class BudgetReport {

    private static final double BYTES_SLACK = 1.0;

    record Budget(String benchmark, Map<String, Object> params, Double ns, Double bytes, boolean baseline,
                  Double measuredNs) {
        boolean matches(String fullName, Map<String, Object> resultParams) {
            if (!fullName.equals(benchmark) && !fullName.endsWith("." + benchmark)) {
                return false;
            }
            for (Map.Entry<String, Object> p : params.entrySet()) {
                Object v = resultParams.get(p.getKey());
                if (v == null || !String.valueOf(v).equals(String.valueOf(p.getValue()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private BudgetReport() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: BudgetReport BUDGETS.json JMH-RESULTS.json");
            System.exit(2);
        }
        List<Budget> budgets;
        List<Object> results;
        try {
            budgets = readBudgets(Path.of(args[0]));
            results = asList(Json.parse(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8)), "results");
        } catch (IOException | RuntimeException e) {
            System.err.println("perf: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = report(budgets, results, System.out);
        } catch (RuntimeException e) {
            System.err.println("perf: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int report(List<Budget> budgets, List<Object> results, java.io.PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "params", "ns/op", "± err", "median", "B/op", "budget ns/op",
            "budget B/op", "result"});
        int failures = 0;
        double slowestBaseline = 0;
        for (Object o : results) {
            Map<String, Object> r = asMap(o, "result");
            String name = (String) r.get("benchmark");
            Map<String, Object> params = r.get("params") == null ? Map.of() : new TreeMap<>(asMap(r.get("params"), "params"));
            Map<String, Object> primary = asMap(r.get("primaryMetric"), "primaryMetric");
            double ns = num(primary.get("score"));
            double err = num(primary.get("scoreError"));
            String unit = String.valueOf(primary.get("scoreUnit"));
            if (!"ns/op".equals(unit)) {
                throw new IllegalArgumentException(name + ": score in " + unit + ", budgets are in ns/op (use -tu ns)");
            }
            double median = median(primary.get("rawData"), ns);
            double bytes = allocation(r);
            Budget b = null;
            for (Budget candidate : budgets) {
                if (candidate.matches(name, params)) {
                    b = candidate;
                    break;
                }
            }
            String verdict;
            if (b == null) {
                verdict = "NO BUDGET";
                failures++;
            } else if (b.baseline()) {
                verdict = "baseline";
                if (b.measuredNs() != null) {
                    slowestBaseline = Math.max(slowestBaseline, median / b.measuredNs());
                }
            } else {
                List<String> over = new ArrayList<>();
                if (b.ns() != null && median > b.ns()) {
                    over.add(String.format(Locale.ROOT, "time x%.2f", median / b.ns()));
                }
                if (b.bytes() != null && (Double.isNaN(bytes) || bytes > b.bytes() + BYTES_SLACK)) {
                    over.add(Double.isNaN(bytes) ? "no B/op (run with -prof gc)"
                            : String.format(Locale.ROOT, "alloc +%.0f B", bytes - b.bytes()));
                }
                verdict = over.isEmpty() ? "PASS" : "FAIL (" + String.join(", ", over) + ")";
                if (!over.isEmpty()) {
                    failures++;
                }
            }
            rows.add(new String[] {shortName(name), paramString(params), fmt(ns, 1), Double.isNaN(err) ? "" : fmt(err, 1),
                fmt(median, 1), Double.isNaN(bytes) ? "" : fmt(bytes, 1),
                b == null || b.ns() == null ? "-" : fmt(b.ns(), 0),
                b == null || b.bytes() == null ? "-" : fmt(b.bytes(), 0), verdict});
        }
        print(rows, out);
        out.println();
        if (slowestBaseline > 1.5) {
            // The baseline is Netty alone: when it is this much slower than when the budgets were set, so is the machine.
            out.printf(Locale.ROOT, "perf: warning: the Netty baseline ran %.1fx slower than when the budgets were set: "
                    + "the machine is loaded (or slower); time verdicts are not reliable, B/op ones are%n",
                    slowestBaseline);
        }
        out.println(failures == 0 ? "perf: every benchmark within its budget"
                : "perf: " + failures + " result(s) over budget or without one");
        return failures == 0 ? 0 : 1;
    }

    /** The median of every measured iteration of every fork ({@code rawData}); {@code fallback} when absent. */
    private static double median(Object rawData, double fallback) {
        if (!(rawData instanceof List<?> forks)) {
            return fallback;
        }
        List<Double> all = new ArrayList<>();
        for (Object fork : forks) {
            if (fork instanceof List<?> iterations) {
                for (Object v : iterations) {
                    double d = num(v);
                    if (!Double.isNaN(d)) {
                        all.add(d);
                    }
                }
            }
        }
        if (all.isEmpty()) {
            return fallback;
        }
        all.sort(null);
        int n = all.size();
        return n % 2 == 1 ? all.get(n / 2) : (all.get(n / 2 - 1) + all.get(n / 2)) / 2;
    }

    /** {@code opalloc.norm} (timed region only) when present, else {@code gc.alloc.rate.norm}; NaN when neither. */
    private static double allocation(Map<String, Object> result) {
        Object sm = result.get("secondaryMetrics");
        if (sm == null) {
            return Double.NaN;
        }
        Map<String, Object> secondary = asMap(sm, "secondaryMetrics");
        double gc = Double.NaN;
        for (Map.Entry<String, Object> e : secondary.entrySet()) {
            String label = e.getKey().startsWith("\u00b7") ? e.getKey().substring(1) : e.getKey();
            double score = num(asMap(e.getValue(), label).get("score"));
            if (label.equals(OpAllocProfiler.LABEL)) {
                return score;
            }
            if (label.equals("gc.alloc.rate.norm")) {
                gc = score;
            }
        }
        return gc;
    }

    private static List<Budget> readBudgets(Path file) throws IOException {
        Map<String, Object> root = asMap(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "budgets file");
        List<Budget> out = new ArrayList<>();
        for (Object o : asList(root.get("budgets"), "budgets")) {
            Map<String, Object> b = asMap(o, "budget");
            String name = (String) b.get("benchmark");
            if (name == null) {
                throw new IllegalArgumentException(file + ": a budget without \"benchmark\"");
            }
            Map<String, Object> params = b.get("params") == null ? Map.of() : asMap(b.get("params"), "params");
            Object measured = b.get("measured");
            Double measuredNs = measured instanceof Map<?, ?> m && m.get("ns") instanceof Double d ? d : null;
            out.add(new Budget(name, params, (Double) b.get("ns"), (Double) b.get("bytes"),
                    Boolean.TRUE.equals(b.get("baseline")), measuredNs));
        }
        return out;
    }

    private static String shortName(String full) {
        int method = full.lastIndexOf('.');
        int cls = full.lastIndexOf('.', method - 1);
        return full.substring(cls + 1);
    }

    private static String paramString(Map<String, Object> params) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(p.getKey()).append('=').append(p.getValue());
        }
        return b.toString();
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, decimals == 0 ? "%,.0f" : "%,.1f", v);
    }

    private static void print(List<String[]> rows, java.io.PrintStream out) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                boolean number = c >= 2 && c <= 7;
                String cell = number && k > 0 ? pad(r[c], w[c], true) : pad(r[c], w[c], false);
                line.append(cell).append(c == r.length - 1 ? "" : "  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }

    private static double num(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s); // JMH writes "NaN" as a string
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o, String what) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(what + " is not a JSON array");
        }
        return (List<Object>) o;
    }
}
