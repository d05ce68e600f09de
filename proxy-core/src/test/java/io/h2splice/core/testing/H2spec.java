package io.h2splice.core.testing;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * h2spec, the HTTP/2 conformance tool (github.com/summerwind/h2spec, a Go module; {@code .ci/run} builds the pinned
 * version into {@code target/tools/} of the repository, or {@value #BINARY_ENV} names a binary), run against one port
 * with its JUnit report read back: each case as {@code <suite package>/<number in suite>}, e.g. {@code http2/5.1.1/2},
 * the ids {@code h2spec http2/5.1.1/2} itself takes.
 *
 * <p>When the binary is missing, {@link #assumeInstalled()} skips the calling test, unless {@value #REQUIRED_ENV} is
 * {@code true} (CI), where it fails.
 */
public final class H2spec {

    public static final String BINARY_ENV = "H2SPEC";
    public static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_H2SPEC";
    /** Seconds h2spec waits for each expected frame; its default. */
    private static final int CASE_TIMEOUT_SECONDS = 2;
    private static final long RUN_TIMEOUT_MINUTES = 5;

    /** How one case ended. */
    public enum Outcome { PASSED, FAILED, SKIPPED }

    /** One case: its id, title, outcome and, for a failure, what h2spec expected and saw. */
    public record Case(String id, String title, Outcome outcome, String detail) {
    }

    private H2spec() {
    }

    /** The binary: {@value #BINARY_ENV}, else {@code target/tools/h2spec} in the repository, or null. */
    public static Path binary() {
        String env = System.getenv(BINARY_ENV);
        if (env != null && !env.isBlank()) {
            return Files.isExecutable(Path.of(env)) ? Path.of(env) : null;
        }
        return Tools.find("h2spec");
    }

    /** Skips the calling test when h2spec is not built (fails if {@value #REQUIRED_ENV} is true). */
    public static void assumeInstalled() {
        Tools.assumeBuilt(binary(), "h2spec (or " + BINARY_ENV + ")", REQUIRED_ENV);
    }

    /** Runs every case against h2c on 127.0.0.1:{@code port}; {@code workDir} keeps its report and output. */
    public static List<Case> run(int port, Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path report = workDir.resolve("h2spec-" + port + ".xml");
        Path output = workDir.resolve("h2spec-" + port + ".txt");
        Process p = new ProcessBuilder(binary().toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-o", Integer.toString(CASE_TIMEOUT_SECONDS), "-j", report.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("h2spec did not finish in " + RUN_TIMEOUT_MINUTES + " min; output: " + output);
        }
        if (!Files.exists(report)) {
            throw new AssertionError("h2spec wrote no report (exit " + p.exitValue() + "): " + Files.readString(output));
        }
        return read(report);
    }

    /** The cases of a JUnit report h2spec wrote. */
    static List<Case> read(Path report) throws IOException {
        try {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
            List<Case> cases = new ArrayList<>();
            NodeList suites = doc.getElementsByTagName("testsuite");
            for (int i = 0; i < suites.getLength(); i++) {
                Element suite = (Element) suites.item(i);
                NodeList tcs = suite.getElementsByTagName("testcase");
                for (int j = 0; j < tcs.getLength(); j++) {
                    Element tc = (Element) tcs.item(j);
                    String id = suite.getAttribute("package") + "/" + (j + 1);
                    Outcome outcome = Outcome.PASSED;
                    String detail = "";
                    for (String bad : List.of("error", "failure")) {
                        NodeList n = tc.getElementsByTagName(bad);
                        if (n.getLength() > 0) {
                            outcome = Outcome.FAILED;
                            detail = n.item(0).getTextContent().strip().replace('\n', ' ');
                        }
                    }
                    if (tc.getElementsByTagName("skipped").getLength() > 0) {
                        outcome = Outcome.SKIPPED;
                    }
                    cases.add(new Case(id, tc.getAttribute("classname"), outcome, detail));
                }
            }
            return cases;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("h2spec's report " + report + " is not readable: " + e.getMessage(), e);
        }
    }

    /**
     * A listed case: the test that shows its reason holds, and whether h2spec's verdict on it depends on timing (its
     * reason starts with {@value #EITHER_WAY}), so that passing is as right as failing.
     */
    public record Listed(String test, boolean eitherWay) {
    }

    /** Starts the reason of a listed case whose verdict depends on timing. */
    public static final String EITHER_WAY = "either way:";

    /** The list of cases that may not pass, case → what is listed (see the file's header). */
    public static Map<String, Listed> notApplicable() throws IOException {
        Map<String, Listed> out = new LinkedHashMap<>();
        try (var in = H2spec.class.getResourceAsStream("/h2spec/not-applicable.txt")) {
            if (in == null) {
                throw new IOException("h2spec/not-applicable.txt is not on the test class path");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" \\| ");
                if (parts.length != 3) {
                    throw new IOException("h2spec/not-applicable.txt: not 'case | why | test': " + line);
                }
                out.put(parts[0].strip(), new Listed(parts[2].strip(), parts[1].strip().startsWith(EITHER_WAY)));
            }
        }
        return out;
    }
}
