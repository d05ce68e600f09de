package io.h2splice.bench;

import io.h2splice.bench.load.Scenario;
import io.h2splice.bench.topology.PeerTopology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line, parsed and checked. Every problem is an {@link IllegalArgumentException} whose message is the one
 * line {@link Main} prints before exiting 2.
 */
public record Options(long warmupMillis, long durationMillis, List<Scenario> scenarios, List<String> topologies,
                      int concurrency, double rate, String targetHost, int targetPort, Map<String, String> metadata,
                      int targetHops, List<PeerTopology.Peer> peers, int workers, Path h2spliceJar,
                      String sidecarJvmOpts, int appThreads, Path out, boolean help) {

    /** The h2splice topologies run by default, in order. */
    public static final List<String> DEFAULT_TOPOLOGIES = List.of("direct", "1hop", "2hop", "2hop-mtls");
    static final List<String> ALL_TOPOLOGIES = List.of("direct", "1hop", "2hop", "2hop-mtls", "2hop-bare",
            "2hop-metrics", "2hop-observed", "target", "dapr", "dapr-mtls", "nghttpx",
            "haproxy", "nginx");

    static final Set<String> FLAGS = Set.of("--warmup", "--duration", "--scenarios", "--topologies", "--concurrency",
            "--rate", "--target", "--metadata", "--target-hops", "--peers", "--workers", "--h2splice-jar",
            "--sidecar-jvm-opts", "--app-threads", "--out");

    static final String USAGE = """
            usage: java -jar proxy-bench.jar [flags]

            End-to-end benchmark of h2splice on loopback: a gRPC echo app, the load generator and the proxies each
            run as their own process; the tables go to standard output, progress to standard error, JSON and HTML
            to --out.

            What to run:
              --scenarios LIST      comma-separated; unary-<size>-c<N> (N calls in flight) or stream-<size>-x<N>
                                    (N bidi streams), size in B, KiB or MiB
                                    (default: unary-16B-c1,unary-16B-c64,unary-64KiB-c8,stream-16KiB-x4)
              --topologies LIST     comma-separated, in the order to run: direct, 1hop, 2hop, 2hop-mtls, 2hop-bare,
                                    2hop-metrics, 2hop-observed, target, dapr, dapr-mtls, nghttpx, haproxy,
                                    nginx
                                    (default: direct,1hop,2hop,2hop-mtls, then target
                                    with --target, then the peers)
              --warmup SECONDS      per scenario and topology, excluded from the results (default: 3)
              --duration SECONDS    the measured window per scenario and topology (default: 5)
                                    (both take a number of seconds, or 500ms, 2s)

            Load:
              --concurrency N       closed loop: N calls in flight (or N streams) for every scenario, instead of
                                    the scenario's own N
              --rate N              open loop: N calls (or stream messages) per second for every scenario, latency
                                    counted from each call's intended send time (coordinated-omission corrected);
                                    at most 10,000 in flight

            Other endpoints:
              --target HOST:PORT    also benchmark this plaintext gRPC endpoint (another proxy, a deployment); it
                                    must serve h2splice.bench.Echo (EchoServer, or the .proto in Echo's Javadoc)
              --metadata K=V        metadata on every call to --target; repeatable (e.g. dapr-app-id=server)
              --target-hops N       proxies between the client and the target's app, to share its added latency
                                    (default: 1)
              --peers LIST          which of dapr, nghttpx, haproxy and nginx also run 2 hops (two instances
                                    each, with --workers workers; daprd with GOMAXPROCS=--workers, plaintext
                                    and with mTLS through Dapr's Sentry: dapr, dapr-mtls), when the
                                    binary is installed (else skipped; daprd: proxy-bench/dapr/build.sh);
                                    'none' for none (default: all four, so that every figure of a run has
                                    Dapr's and the C proxies' beside it)

            Processes:
              --workers N           event-loop threads per sidecar (h2splice run --workers) and workers per peer
                                    (default: 1)
              --h2splice-jar PATH   h2splice's jar (default: proxy-cli/target/h2splice.jar of this repository)
              --sidecar-jvm-opts S  the sidecars' JVM flags (default: $H2SPLICE_JAVA_OPTS, else bin/h2splice's)
              --app-threads N       the echo app's event-loop threads (default: 1)

            Output:
              --out DIR             where proxy-bench.json, proxy-bench.html and logs/ go
                                    (default: proxy-bench/results/<timestamp>/ in the repository, else
                                    ./bench-results/<timestamp>/)
              -h, --help            this help

            The soak (a long run that checks nothing grows): --soak DURATION; see --soak 1m --help.

            Exit code: 0 when everything asked for ran (or was skipped: a peer not installed, mTLS not built),
            1 when a topology or a scenario failed, 2 for bad flags.
            """;

    public Options {
        scenarios = List.copyOf(scenarios);
        topologies = List.copyOf(topologies);
        metadata = Map.copyOf(metadata);
        peers = List.copyOf(peers);
    }

    public boolean openLoop() {
        return rate > 0;
    }

    public boolean hasTarget() {
        return targetHost != null;
    }

    /** @throws IllegalArgumentException naming the flag and what is wrong, in one line */
    public static Options parse(String[] args) {
        long warmup = 3_000;
        long duration = 5_000;
        List<Scenario> scenarios = Scenario.defaults();
        List<String> topologies = null;
        int concurrency = 0;
        double rate = 0;
        String targetHost = null;
        int targetPort = 0;
        Map<String, String> metadata = new LinkedHashMap<>();
        int targetHops = 1;
        List<PeerTopology.Peer> peers = null; // every peer unless --peers says otherwise
        boolean dapr = true; // daprd too, unless --peers leaves it out
        int workers = 1;
        Path jar = null;
        String jvmOpts = null;
        int appThreads = 1;
        Path out = null;
        boolean help = false;
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String flag = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                flag = a.substring(0, eq);
            }
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown flag " + flag);
            }
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
            if (!flag.equals("--metadata") && !seen.add(flag)) {
                throw new IllegalArgumentException(flag + " given twice");
            }
            switch (flag) {
                case "--warmup" -> warmup = seconds(flag, value, true);
                case "--duration" -> duration = seconds(flag, value, false);
                case "--scenarios" -> {
                    scenarios = new ArrayList<>();
                    for (String s : list(flag, value)) {
                        try {
                            scenarios.add(Scenario.parse(s));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--scenarios: " + e.getMessage());
                        }
                    }
                }
                case "--topologies" -> {
                    topologies = new ArrayList<>();
                    for (String t : list(flag, value)) {
                        if (!ALL_TOPOLOGIES.contains(t)) {
                            throw new IllegalArgumentException("--topologies: unknown topology '" + t
                                    + "' (known: " + String.join(", ", ALL_TOPOLOGIES) + ")");
                        }
                        if (!topologies.contains(t)) {
                            topologies.add(t);
                        }
                    }
                }
                case "--concurrency" -> concurrency = positive(flag, value, 10_000);
                case "--rate" -> {
                    try {
                        rate = Double.parseDouble(value.replace("/s", ""));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--rate: not a number: '" + value + "'");
                    }
                    if (!(rate > 0) || rate > 10_000_000) {
                        throw new IllegalArgumentException("--rate: must be > 0 and at most 10000000 per second");
                    }
                }
                case "--target" -> {
                    int colon = value.lastIndexOf(':');
                    if (colon <= 0 || colon == value.length() - 1) {
                        throw new IllegalArgumentException("--target: expected HOST:PORT, got '" + value + "'");
                    }
                    targetHost = value.substring(0, colon).replace("[", "").replace("]", "");
                    targetPort = positive(flag, value.substring(colon + 1), 65_535);
                }
                case "--metadata" -> {
                    int e = value.indexOf('=');
                    if (e <= 0) {
                        throw new IllegalArgumentException("--metadata: expected KEY=VALUE, got '" + value + "'");
                    }
                    String key = value.substring(0, e).trim().toLowerCase(Locale.ROOT);
                    if (!key.matches("[0-9a-z_.-]+") || key.endsWith("-bin")) {
                        throw new IllegalArgumentException("--metadata: '" + key + "' is not an ASCII metadata key "
                                + "(lower-case letters, digits, '-', '_', '.'; not ending in -bin)");
                    }
                    metadata.put(key, value.substring(e + 1));
                }
                case "--target-hops" -> targetHops = positive(flag, value, 100);
                case "--peers" -> {
                    peers = new ArrayList<>();
                    dapr = false;
                    for (String p : value.equals("none") ? List.<String>of() : list(flag, value)) {
                        if (p.strip().equalsIgnoreCase("dapr")) {
                            dapr = true;
                            continue;
                        }
                        PeerTopology.Peer peer;
                        try {
                            peer = PeerTopology.Peer.of(p);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--peers: " + e.getMessage());
                        }
                        if (!peers.contains(peer)) {
                            peers.add(peer);
                        }
                    }
                }
                case "--workers" -> workers = positive(flag, value, 256);
                case "--h2splice-jar" -> jar = Path.of(value);
                case "--sidecar-jvm-opts" -> jvmOpts = value;
                case "--app-threads" -> appThreads = positive(flag, value, 256);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (peers == null) {
            peers = List.of(PeerTopology.Peer.values());
        }
        if (!metadata.isEmpty() && targetHost == null) {
            throw new IllegalArgumentException("--metadata is for --target calls; give --target HOST:PORT");
        }
        if (topologies == null) {
            topologies = new ArrayList<>(DEFAULT_TOPOLOGIES);
            if (targetHost != null) {
                topologies.add("target");
            }
            if (dapr) {
                topologies.add("dapr");
                topologies.add("dapr-mtls");
            }
            for (PeerTopology.Peer p : peers) {
                topologies.add(p.binary());
            }
        } else if (topologies.contains("target") && targetHost == null) {
            throw new IllegalArgumentException("--topologies names 'target' but no --target HOST:PORT was given");
        }
        if (concurrency > 0) {
            List<Scenario> changed = new ArrayList<>();
            for (Scenario s : scenarios) {
                changed.add(s.withConcurrency(concurrency));
            }
            scenarios = changed;
        }
        return new Options(warmup, duration, scenarios, topologies, concurrency, rate, targetHost, targetPort,
                metadata, targetHops, peers, workers, jar, jvmOpts, appThreads, out, help);
    }

    /** {@code 5}, {@code 2.5}, {@code 2s} or {@code 500ms}, in milliseconds. */
    static long seconds(String flag, String value, boolean zeroAllowed) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        double factor = 1000;
        if (v.endsWith("ms")) {
            factor = 1;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        }
        double n;
        try {
            n = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a duration: '" + value + "' (seconds, or 500ms)");
        }
        long ms = Math.round(n * factor);
        if (ms < 0 || (!zeroAllowed && ms == 0) || ms > 3_600_000) {
            throw new IllegalArgumentException(flag + ": must be " + (zeroAllowed ? "0" : "more than 0")
                    + " to 3600 seconds, got '" + value + "'");
        }
        return ms;
    }

    private static int positive(String flag, String value, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1 || n > max) {
                throw new IllegalArgumentException(flag + ": must be 1 to " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a whole number: '" + value + "'");
        }
    }

    private static List<String> list(String flag, String value) {
        List<String> items = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                items.add(s.trim());
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(flag + ": empty list");
        }
        return items;
    }
}
