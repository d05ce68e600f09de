package io.h2splice.cli;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code h2splice stop --app-id X}: sends SIGTERM to every registered sidecar of app X, as {@code dapr stop}. The
 * sidecar then stops its app, drains and removes its registry entry; this command does not wait for that.
 */
@Command(name = "stop",
        description = {"Stop the sidecar(s) of an app started with 'h2splice run': SIGTERM to the sidecar,",
            "which stops its app, drains and exits. Does not wait for that."},
        footer = {"", "Environment:", "  H2SPLICE_HOME  where the registry lives (default ~/.h2splice)"})
final class StopCommand implements Callable<Integer> {

    private final CliEnv env;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-a", "--app-id"}, required = true, paramLabel = "ID",
            description = "The app to stop: 'app' (any namespace) or 'app.namespace'.")
    String appId;

    StopCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        List<RegistryEntry> entries = matching(new LocalRegistry(env.home()));
        if (entries.isEmpty()) {
            env.err().println("h2splice stop: no running sidecar with app id '" + appId + "'");
            return ExitCodes.FAILURE;
        }
        int code = ExitCodes.OK;
        for (RegistryEntry e : entries) {
            Optional<ProcessHandle> process = ProcessHandle.of(e.pid());
            if (process.isPresent() && process.get().destroy()) {
                env.out().println("stopping app '" + e.appId() + "' (namespace " + e.namespace() + ", h2splice pid "
                        + e.pid() + ")");
            } else if (process.isPresent() && process.get().isAlive()) {
                env.err().println("h2splice stop: cannot signal pid " + e.pid() + " of app '" + e.appId() + "'");
                code = ExitCodes.FAILURE;
            }
        }
        return code;
    }

    private List<RegistryEntry> matching(LocalRegistry registry) {
        int dot = appId.indexOf('.');
        try {
            if (dot < 0) {
                return registry.find(RegistryEntry.requireValidName(appId, "--app-id"));
            }
            String ns = appId.substring(dot + 1);
            return registry.find(RegistryEntry.requireValidName(appId.substring(0, dot), "--app-id"),
                    RegistryEntry.requireValidName(ns, "namespace in --app-id"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
