package io.h2splice.bench;

import io.h2splice.bench.load.Scenario;
import io.h2splice.bench.topology.PeerTopology;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {

    @Test
    void defaultsAreTheIssuesRun() {
        Options o = Options.parse(new String[0]);
        assertEquals(3_000, o.warmupMillis());
        assertEquals(5_000, o.durationMillis());
        assertEquals(Scenario.defaults(), o.scenarios());
        assertEquals(List.of("direct", "1hop", "2hop", "2hop-mtls", "dapr", "dapr-mtls", "nghttpx", "haproxy",
                "nginx"), o.topologies());
        assertEquals(List.of(PeerTopology.Peer.values()), o.peers());
        Options none = Options.parse(new String[] {"--peers", "none"});
        assertEquals(List.of(), none.peers());
        assertEquals(List.of("direct", "1hop", "2hop", "2hop-mtls"), none.topologies());
        assertEquals(1, o.workers());
        assertFalse(o.openLoop());
        assertFalse(o.help());
    }

    @Test
    void everyFlag() {
        Options o = Options.parse(new String[] {"--warmup", "500ms", "--duration=2.5", "--scenarios",
            "unary-1KiB-c2, stream-1MiB-x1", "--concurrency", "16", "--rate", "2000", "--target", "10.0.0.1:443",
            "--metadata", "dapr-app-id=server", "--metadata", "X-Team=a=b", "--target-hops", "2", "--peers",
            "nginx,dapr,haproxy", "--workers", "2", "--h2splice-jar", "/x/h2splice.jar", "--sidecar-jvm-opts",
            "-Xmx64m -XX:+UseSerialGC", "--app-threads", "2", "--out", "/tmp/out"});
        assertEquals(500, o.warmupMillis());
        assertEquals(2_500, o.durationMillis());
        assertEquals(List.of("unary-1KiB-c16", "stream-1MiB-x16"), o.scenarios().stream().map(Scenario::name)
                .toList(), "--concurrency overrides every scenario's N");
        assertTrue(o.openLoop());
        assertEquals(2_000, o.rate());
        assertEquals("10.0.0.1", o.targetHost());
        assertEquals(443, o.targetPort());
        assertEquals(Map.of("dapr-app-id", "server", "x-team", "a=b"), o.metadata());
        assertEquals(List.of("direct", "1hop", "2hop", "2hop-mtls", "target", "dapr", "dapr-mtls", "nginx",
                "haproxy"), o.topologies());
        assertEquals(List.of(PeerTopology.Peer.NGINX, PeerTopology.Peer.HAPROXY), o.peers());
        assertEquals("-Xmx64m -XX:+UseSerialGC", o.sidecarJvmOpts());
        assertEquals(2, o.appThreads());
    }

    @Test
    void explicitTopologiesKeepTheirOrder() {
        Options o = Options.parse(new String[] {"--topologies", "2hop,direct,nghttpx"});
        assertEquals(List.of("2hop", "direct", "nghttpx"), o.topologies());
    }

    @Test
    void badFlagsSayWhatIsWrong() {
        Map<String[], String> cases = Map.ofEntries(
                Map.entry(new String[] {"--bogus", "1"}, "unknown flag --bogus"),
                Map.entry(new String[] {"--bogus"}, "unknown flag --bogus"),
                Map.entry(new String[] {"--bogus=1"}, "unknown flag --bogus"),
                Map.entry(new String[] {"--duration"}, "missing value for --duration"),
                Map.entry(new String[] {"--duration", "0"}, "--duration: must be more than 0"),
                Map.entry(new String[] {"--duration", "fast"}, "--duration: not a duration: 'fast'"),
                Map.entry(new String[] {"--warmup", "-1"}, "--warmup: must be 0 to 3600 seconds"),
                Map.entry(new String[] {"--scenarios", "unary-16B"}, "--scenarios: bad scenario 'unary-16B'"),
                Map.entry(new String[] {"--topologies", "3hop"}, "--topologies: unknown topology '3hop'"),
                Map.entry(new String[] {"--topologies", "target"}, "--topologies names 'target' but no --target"),
                Map.entry(new String[] {"--concurrency", "0"}, "--concurrency: must be 1 to 10000, got 0"),
                Map.entry(new String[] {"--rate", "x"}, "--rate: not a number: 'x'"),
                Map.entry(new String[] {"--rate", "-5"}, "--rate: must be > 0"),
                Map.entry(new String[] {"--target", "nohost"}, "--target: expected HOST:PORT, got 'nohost'"),
                Map.entry(new String[] {"--target", "h:99999"}, "--target: must be 1 to 65535, got 99999"),
                Map.entry(new String[] {"--target", "h:1", "--metadata", "novalue"}, "--metadata: expected KEY=VALUE"),
                Map.entry(new String[] {"--target", "h:1", "--metadata", "k y=1"}, "--metadata: 'k y' is not"),
                Map.entry(new String[] {"--metadata", "a=b"}, "--metadata is for --target calls"),
                Map.entry(new String[] {"--peers", "envoy"}, "--peers: unknown peer 'envoy'"),
                Map.entry(new String[] {"--workers", "many"}, "--workers: not a whole number: 'many'"),
                Map.entry(new String[] {"--workers", "1", "--workers", "2"}, "--workers given twice"),
                Map.entry(new String[] {"extra"}, "unexpected argument 'extra'"));
        cases.forEach((args, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Options.parse(args),
                    String.join(" ", args));
            assertTrue(e.getMessage().startsWith(expected), "'" + e.getMessage() + "' should start with '"
                    + expected + "'");
            assertFalse(e.getMessage().contains("\n"), "one line");
        });
    }

    @Test
    void mainExitsTwoWithOneLineForBadFlagsAndDocumentsEveryFlag() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--duration", "soon"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("proxy-bench: --duration: not a duration"), line);

        out.reset();
        assertEquals(0, Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : List.of("--scenarios", "--topologies", "--warmup", "--duration", "--concurrency",
                "--rate", "--target", "--metadata", "--target-hops", "--peers", "--workers", "--h2splice-jar",
                "--sidecar-jvm-opts", "--app-threads", "--out", "--help")) {
            assertTrue(help.contains(flag + " ") || help.contains(flag + "\n"), "--help documents " + flag);
        }
    }
}
