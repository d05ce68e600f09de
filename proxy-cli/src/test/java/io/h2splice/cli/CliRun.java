package io.h2splice.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code h2splice} in-process against a temporary home and captures what it prints. */
public record CliRun(int code, String out, String err) {

    public static CliRun run(Path home, String... args) {
        Map<String, String> vars = new HashMap<>();
        vars.put("H2SPLICE_HOME", home.toString());
        return run(vars, home, args);
    }

    public static CliRun run(Map<String, String> vars, Path userHome, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = Main.execute(args, new CliEnv(vars, userHome, o, e));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public List<String> errLines() {
        return err.lines().toList();
    }
}
