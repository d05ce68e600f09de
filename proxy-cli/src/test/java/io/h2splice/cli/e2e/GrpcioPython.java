package io.h2splice.cli.e2e;


import io.h2splice.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python 3 that can {@code import grpc}: Debian's {@code /usr/bin/python3} with python3-grpcio first (a
 * pyenv shim on PATH may not see Debian's packages), then {@code python3}. Without one the test is skipped, unless
 * {@value #REQUIRED_ENV} is {@code true} (as {@code .ci/run} sets it), when it fails.
 */
final class GrpcioPython {

    static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_PYTHON_GRPC";

    private GrpcioPython() {
    }

    static String find() throws Exception {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import grpc").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
                p.destroyForcibly();
            } catch (java.io.IOException notThere) {
                // try the next one
            }
        }
        Tools.missing("no python3 with grpcio (Debian: apt-get install python3-grpcio)", REQUIRED_ENV);
        return null;
    }
}
