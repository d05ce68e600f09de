package io.h2splice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code h2splice} without a subcommand: says which ones exist. */
@Command(name = "h2splice", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "A gRPC sidecar proxy: a drop-in for Dapr's gRPC service invocation.",
            "Apps call their local sidecar with the metadata 'dapr-app-id: <target>'."
        },
        footer = {"", "Run 'h2splice <command> --help' for the flags of a command."})
final class TopCommand implements Callable<Integer> {

    private final CliEnv env;

    TopCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        env.err().println("h2splice: missing command: run, list, stop, ca, inject or injector (try 'h2splice --help')");
        return ExitCodes.USAGE;
    }
}
