package io.h2splice.bench;

import io.h2splice.bench.report.Html;
import io.h2splice.bench.report.JsonReport;
import io.h2splice.bench.report.TextReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar proxy-bench.jar}: the end-to-end benchmark. See {@link Options#USAGE} ({@code --help}) for the
 * flags and {@code proxy-bench/README.md} for what it measures and how. With {@code --soak DURATION}, the soak instead
 * ({@link io.h2splice.bench.soak.Soak}).
 */
public final class Main {

    static final String JSON = "proxy-bench.json";
    static final String HTML = "proxy-bench.html";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark; returns the exit code (0 ok, 1 something failed, 2 bad flags). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintStream, PrintStream)} with this environment for the benchmark's choices. */
    static int run(String[] args, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        if (io.h2splice.bench.soak.Soak.wanted(args)) {
            return io.h2splice.bench.soak.Soak.run(args, out, err, env);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("proxy-bench: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (options.help()) {
            out.print(Options.USAGE);
            return 0;
        }
        Runner.Outcome outcome;
        try {
            outcome = new Runner(options, args, env, err, System.console() != null).run();
        } catch (IOException e) {
            err.println("proxy-bench: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("proxy-bench: interrupted");
            return 130;
        }
        out.print(new TextReport(TextReport.consoleIsUnicode()).render(outcome.report()));
        out.flush();
        try {
            Path json = outcome.outDir().resolve(JSON);
            Path html = outcome.outDir().resolve(HTML);
            Files.writeString(json, JsonReport.render(outcome.report()), StandardCharsets.UTF_8);
            Files.writeString(html, Html.render(outcome.report()), StandardCharsets.UTF_8);
            out.println();
            out.println("JSON: " + json.toAbsolutePath());
            out.println("HTML: " + html.toAbsolutePath());
            out.println("logs: " + outcome.outDir().resolve("logs").toAbsolutePath());
        } catch (IOException e) {
            err.println("proxy-bench: cannot write the results in " + outcome.outDir() + ": " + e.getMessage());
            return 1;
        }
        return outcome.failed() ? 1 : 0;
    }
}
