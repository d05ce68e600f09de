package io.h2splice.bench.soak;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The soak's command line, parsed and checked. Every problem is an {@link IllegalArgumentException} whose message is
 * the one line printed before exiting 2.
 *
 * @param durationSeconds  the soak phase, at the default leak detection level
 * @param paranoidSeconds  the phase before it with PARANOID leak detection; 0 skips it
 * @param warmupSeconds    where flatness is judged from: the median of the minute after it against the last minute
 * @param paranoidRate     calls per second in the PARANOID phase, where every buffer costs a stack trace
 */
record SoakOptions(long durationSeconds, long paranoidSeconds, long warmupSeconds, double rate, double paranoidRate,
                   long seed, int workers, Path h2spliceJar, String sidecarJvmOpts, Path out, boolean help) {

    static final String USAGE = """
            usage: java -jar proxy-bench.jar --soak DURATION [flags]

            The soak: client → h2splice A → h2splice B → echo app, mTLS between the sidecars (as 2hop-mtls), with
            a seeded mix of unary calls and server and bidi streams, some cancelled, some with deadlines that
            expire, a few slow readers. Every 10 s each sidecar's RSS, heap after GC, metaspace, threads, open
            descriptors and metrics gauges are sampled; every 60 s its class histogram (jcmd). A first, shorter
            phase runs the sidecars with Netty's PARANOID leak detection. soak.json, soak.html (a plot per series)
            and the logs go to --out.

              --soak DURATION           the soak phase, e.g. 30m, 90s, 1h (default leak detection level)
              --soak-paranoid DURATION  the PARANOID phase first (default: 3m; 0 skips it)
              --soak-warmup DURATION    flatness is judged from here: the median of the minute after it against
                                        the median of the last minute (default: 5m)
              --rate N                  calls started per second, over all kinds (default: 300)
              --soak-paranoid-rate N    the same in the PARANOID phase (default: 60)
              --seed N                  the mix's seed: the same seed makes the same calls (default: 1)
              --workers N               event-loop threads per sidecar (default: 1)
              --h2splice-jar PATH       h2splice's jar (default: proxy-cli/target/h2splice.jar of this repository)
              --sidecar-jvm-opts S      the sidecars' JVM flags (default: $H2SPLICE_JAVA_OPTS, else bin/h2splice's)
              --out DIR                 where soak.json, soak.html and logs/ go
                                        (default: proxy-bench/results/<timestamp>-soak/ in the repository)
              -h, --help                this help

            Exit code: 0 when every call ended as its kind allows, no sidecar logged LEAK:, no sidecar exited and
            no judged series grew past 10 % after the warm-up; 1 otherwise; 2 for bad flags.
            """;

    static final double PARANOID_RATE = 60;
    static final java.util.List<String> FLAGS = java.util.List.of("--soak", "--soak-paranoid", "--soak-paranoid-rate",
            "--soak-warmup", "--rate", "--seed", "--workers", "--h2splice-jar", "--sidecar-jvm-opts", "--out");

    private static final java.util.regex.Pattern DURATION =
            java.util.regex.Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s?)?");

    /** Whether these arguments ask for the soak rather than the benchmark. */
    static boolean wanted(String[] args) {
        for (String a : args) {
            if (a.equals("--soak") || a.startsWith("--soak=")) {
                return true;
            }
        }
        return false;
    }

    static SoakOptions parse(String[] args) {
        long duration = -1;
        long paranoid = 180;
        long warmup = 300;
        double rate = 300;
        double paranoidRate = PARANOID_RATE;
        long seed = 1;
        int workers = 1;
        Path jar = null;
        String jvmOpts = null;
        Path out = null;
        boolean help = false;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            int eq = a.indexOf('=');
            String flag = eq > 0 ? a.substring(0, eq) : a;
            if (!flag.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown flag " + flag + " (the soak takes "
                        + String.join(", ", FLAGS) + ")");
            }
            String value;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
            if (!seen.add(flag)) {
                throw new IllegalArgumentException(flag + " given twice");
            }
            switch (flag) {
                case "--soak" -> duration = seconds(flag, value, false);
                case "--soak-paranoid" -> paranoid = seconds(flag, value, true);
                case "--soak-warmup" -> warmup = seconds(flag, value, true);
                case "--rate" -> rate = number(flag, value, 1, 5_000);
                case "--soak-paranoid-rate" -> paranoidRate = number(flag, value, 1, 5_000);
                case "--seed" -> seed = seed(value);
                case "--workers" -> workers = (int) number(flag, value, 1, 64);
                case "--h2splice-jar" -> jar = Path.of(value);
                case "--sidecar-jvm-opts" -> jvmOpts = value;
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalStateException("a flag of FLAGS without a case: " + flag);
            }
        }
        if (duration < 0 && !help) {
            throw new IllegalArgumentException("--soak needs a duration");
        }
        return new SoakOptions(duration, paranoid, warmup, rate, paranoidRate, seed, workers, jar, jvmOpts, out,
                help);
    }

    /** {@code 30m}, {@code 90s}, {@code 1h}, {@code 2m30s} or plain seconds; at most 24 h. */
    static long seconds(String flag, String value, boolean zeroAllowed) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = DURATION.matcher(v);
        if (v.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException(flag + ": not a duration: '" + value + "' (e.g. 30m, 90s, 1h)");
        }
        long s = 0;
        try {
            s += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
            s += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
            s += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        } catch (NumberFormatException e) {
            s = Long.MAX_VALUE;
        }
        if (s < 0 || s > 86_400 || (!zeroAllowed && s == 0)) {
            throw new IllegalArgumentException(flag + ": must be " + (zeroAllowed ? "0" : "more than 0")
                    + " to 24h, got '" + value + "'");
        }
        return s;
    }

    private static long seed(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: not an integer: '" + value + "'");
        }
    }

    private static double number(String flag, String value, double min, double max) {
        double n;
        try {
            n = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: '" + value + "'");
        }
        if (!(n >= min && n <= max)) {
            throw new IllegalArgumentException(flag + ": must be " + (long) min + " to " + (long) max + ", got "
                    + value);
        }
        return n;
    }
}
