package io.h2splice.cli;

import io.h2splice.cli.ca.CaCommand;
import io.h2splice.cli.kube.InjectCommand;
import io.h2splice.cli.kube.InjectorCommand;
import io.h2splice.cli.run.RunCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code h2splice} command: {@code run}, {@code list}, {@code stop}, {@code ca}, {@code injector},
 * {@code inject}.
 *
 * <p>The only place that calls {@link System#exit}. A bad command line prints one line on stderr and exits with
 * {@link ExitCodes#USAGE}; a failure prints one line and exits with {@link ExitCodes#FAILURE}; {@code run} exits
 * with its app's exit code.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        NettyDefaults.apply(); // before any Netty class is loaded
        System.exit(execute(args, CliEnv.system()));
    }

    /** Runs one command line against {@code env} and returns the exit code. */
    public static int execute(String[] args, CliEnv env) {
        return commandLine(env).execute(args);
    }

    static CommandLine commandLine(CliEnv env) {
        CommandLine cl = new CommandLine(new TopCommand(env));
        cl.addSubcommand("run", RunCommand.commandLine(env));
        cl.addSubcommand("list", new ListCommand(env));
        cl.addSubcommand("stop", new StopCommand(env));
        cl.addSubcommand("ca", CaCommand.commandLine(env));
        cl.addSubcommand("injector", new InjectorCommand(env));
        cl.addSubcommand("inject", new InjectCommand(env, System.in));
        // Applied to the whole tree, so set after the subcommands are added.
        cl.setOut(new PrintWriter(env.out(), true));
        cl.setErr(new PrintWriter(env.err(), true));
        cl.setUsageHelpWidth(100);
        cl.setParameterExceptionHandler((ex, args) -> badArguments(ex, env));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> failed(ex, line, parsed, env));
        return cl;
    }

    private static int badArguments(ParameterException ex, CliEnv env) {
        CommandLine line = ex.getCommandLine();
        String name = line.getCommandSpec().qualifiedName();
        String message = firstLine(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException u && line.getParent() == null && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        env.err().println(name + ": " + message + " (try '" + name + " --help')");
        return ExitCodes.USAGE;
    }

    private static int failed(Exception ex, CommandLine line, ParseResult parsed, CliEnv env) {
        String name = line.getCommandSpec().qualifiedName();
        if (ex instanceof UsageException) {
            env.err().println(name + ": " + firstLine(ex.getMessage()));
            return ExitCodes.USAGE;
        }
        env.err().println(name + ": " + firstLine(String.valueOf(ex)));
        return ExitCodes.FAILURE;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
