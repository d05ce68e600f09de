package io.h2splice.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Programs other people wrote that {@code .ci/run} builds into {@code target/tools/} of the repository (h2spec, the
 * seed's Go example), for the tests that run them. A test skips when one is missing on a developer's machine and
 * fails when the environment variable it names is {@code true} (CI sets it after building the program).
 */
public final class Tools {

    private Tools() {
    }

    /** {@code target/tools/<name>} of the repository, or null. */
    public static Path find(String name) {
        Path candidate = repositoryRoot().resolve("target/tools").resolve(name);
        return Files.isExecutable(candidate) ? candidate : null;
    }

    /**
     * The version of {@code module} that the Go program {@code binary} was built with, as {@code go version -m} reads
     * it from the binary (e.g. {@code v1.85.0}).
     */
    public static String goModuleVersion(Path binary, String module) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("go", "version", "-m", binary.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && (f[0].equals("mod") || f[0].equals("dep")) && f[1].equals(module)) {
                return f[2];
            }
        }
        throw new AssertionError("go version -m " + binary + " names no module " + module + ":\n" + out);
    }

    /** The repository: the directory holding {@code .ci/run}, from the working directory up. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".ci/run"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no .ci/run above " + Path.of("").toAbsolutePath());
    }

    /** Skips the calling test when {@code program} is null, or fails it when {@code requiredEnv} is true. */
    public static void assumeBuilt(Path program, String what, String requiredEnv) {
        if (program == null) {
            missing(what + " is not built (.ci/run builds it into target/tools/)", requiredEnv);
        }
    }

    /**
     * Something a test needs is missing ({@code why}): the test is skipped, or fails when the environment variable
     * {@code requiredEnv} is {@code true} (CI sets it where it installed or built the thing). Never returns normally.
     */
    public static void missing(String why, String requiredEnv) {
        if (Boolean.parseBoolean(System.getenv(requiredEnv))) {
            throw new AssertionError(why + ", and " + requiredEnv + "=true");
        }
        Assumptions.abort(why);
    }
}
