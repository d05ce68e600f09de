package io.h2splice.cli.ca;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code h2splice ca}: the local certificate authority that gives sidecars their mTLS certificates. Its subcommands
 * are {@code init}, {@code issue} and {@code inspect}; without one it says so and exits with {@link ExitCodes#USAGE}.
 */
@Command(name = "ca",
        description = {
            "Manage the local certificate authority for mTLS between sidecars: init, issue, inspect.",
            "",
            "The CA is a root and an issuer in $H2SPLICE_HOME/ca. The first 'h2splice run' with mTLS",
            "creates one if there is none; each sidecar then gets its own 24 h certificate for",
            "spiffe://<trust-domain>/ns/<namespace>/<app-id> from the issuer."
        },
        footer = {
            "",
            "Environment:",
            "  H2SPLICE_HOME  where the CA lives, in the ca/ directory (default ~/.h2splice)",
            "",
            "Run 'h2splice ca <command> --help' for the flags of a command."
        })
public final class CaCommand implements Callable<Integer> {

    private final CliEnv env;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private CaCommand(CliEnv env) {
        this.env = env;
    }

    /** {@code ca} with its three subcommands, for {@code Main} to register. */
    public static CommandLine commandLine(CliEnv env) {
        CommandLine cl = new CommandLine(new CaCommand(env));
        cl.addSubcommand("init", new CaInitCommand(env));
        cl.addSubcommand("issue", new CaIssueCommand(env));
        cl.addSubcommand("inspect", new CaInspectCommand(env));
        return cl;
    }

    /** Where the CA lives: {@code $H2SPLICE_HOME/ca}, by default {@code ~/.h2splice/ca}. */
    public static Path caDirectory(CliEnv env) {
        return env.home().resolve("ca");
    }

    @Override
    public Integer call() {
        env.err().println("h2splice ca: missing command: init, issue or inspect (try 'h2splice ca --help')");
        return ExitCodes.USAGE;
    }
}
