package io.h2splice.core.testing;

import org.junit.jupiter.api.Assumptions;

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

    /** {@code target/tools/<name>} of the repository (the directory holding {@code .ci/run}), or null. */
    public static Path find(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".ci/run"))) {
                Path candidate = dir.resolve("target/tools").resolve(name);
                return Files.isExecutable(candidate) ? candidate : null;
            }
        }
        return null;
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
