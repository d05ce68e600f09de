package io.h2splice.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may read from its surroundings: the environment, the user's home and the two output streams.
 * Commands get it from {@link Main}, so tests can run them in-process with a temporary home.
 *
 * @param vars     environment variables
 * @param userHome the user's home directory
 * @param out      standard output
 * @param err      standard error
 */
public record CliEnv(Map<String, String> vars, Path userHome, PrintStream out, PrintStream err) {

    public CliEnv {
        vars = Map.copyOf(vars);
        Objects.requireNonNull(userHome, "userHome");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The process's own environment, home, stdout and stderr. */
    public static CliEnv system() {
        return new CliEnv(System.getenv(), Path.of(System.getProperty("user.home")), System.out, System.err);
    }

    /** {@code NAMESPACE}, else {@code default} (as daprd). */
    public String namespace() {
        return nonEmpty("NAMESPACE", "default");
    }

    /** {@code H2SPLICE_HOME}, else {@code ~/.h2splice}: where the registry of running sidecars lives. */
    public Path home() {
        String h = vars.get("H2SPLICE_HOME");
        return h == null || h.isEmpty() ? userHome.resolve(".h2splice") : Path.of(h);
    }

    private String nonEmpty(String name, String fallback) {
        String v = vars.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
