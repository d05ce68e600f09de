package io.h2splice.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code jcmd <pid> <command>} of the JDK running the soak, for what the counters do not say: a class histogram (which
 * collects first), or a full collection. Each call starts a short-lived JVM (about 0.2 s of CPU), so the soak runs it
 * once a minute per sidecar, not every sample.
 */
final class Jcmd {

    private static final long TIMEOUT_SECONDS = 60;

    private Jcmd() {
    }

    /** The jcmd binary beside this JVM's java, else {@code jcmd} on the PATH. */
    static String binary() {
        Path p = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(p) ? p.toString() : "jcmd";
    }

    /**
     * Runs {@code jcmd pid command} and returns its output.
     *
     * @throws IOException when jcmd cannot start, fails or takes over a minute; the message says which
     */
    static String run(long pid, String command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("soak-jcmd-", ".txt");  // a file, not a pipe: a hung jcmd cannot block a read
        Process p = new ProcessBuilder(List.of(binary(), Long.toString(pid), command)).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("jcmd " + pid + " " + command + " still running after " + TIMEOUT_SECONDS
                        + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + command + " exited with " + p.exitValue() + ": "
                        + text.strip().lines().reduce((a, b) -> b).orElse(""));
            }
            return text;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }
}
