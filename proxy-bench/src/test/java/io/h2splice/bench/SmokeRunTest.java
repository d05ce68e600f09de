package io.h2splice.bench;

import io.h2splice.bench.topology.H2spliceInstall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One short real run: the echo app, {@code direct} and {@code 1hop} (a real {@code h2splice run} process), 1 s
 * measured. Skipped, saying so, when {@code proxy-cli/target/h2splice.jar} is not built.
 */
class SmokeRunTest {

    @Test
    @Timeout(120)
    void directAndOneHopPassCalls(@TempDir Path out) throws Exception {
        H2spliceInstall h2splice = H2spliceInstall.locate(null, null, Map.of("H2SPLICE_NO_CDS", "1"));
        assumeTrue(h2splice.hasJar(), () -> "skipped: " + h2splice.whyNoJar());

        // no class-data sharing archive is recorded into proxy-cli/target from a test
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("H2SPLICE_NO_CDS", "1");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--topologies", "direct,1hop", "--scenarios", "unary-16B-c4",
            "--warmup", "300ms", "--duration", "1", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), env);
        String table = stdout.toString(StandardCharsets.UTF_8);
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, table + progress);

        for (String topology : new String[] {"direct", "1hop"}) {
            Matcher m = Pattern.compile("(?m)^  " + topology + "\\s+([0-9,]+)\\s").matcher(table);
            assertTrue(m.find(), topology + " has a row with req/s:\n" + table);
            assertTrue(Long.parseLong(m.group(1).replace(",", "")) > 0, topology + " passed calls:\n" + table);
        }
        String json = Files.readString(out.resolve("proxy-bench.json"));
        assertTrue(json.contains("\"topology\": \"1hop\""), json);
        assertTrue(json.contains("\"name\": \"sidecar\""), "the sidecar's CPU and RSS are measured");
        assertTrue(Files.readString(out.resolve("proxy-bench.html")).contains("<svg"));
        assertTrue(Files.exists(out.resolve("logs").resolve("1hop-sidecar.log")));
        assertTrue(progress.contains("1hop · unary-16B-c4"), progress);
    }
}
