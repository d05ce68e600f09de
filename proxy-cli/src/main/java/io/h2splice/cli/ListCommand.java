package io.h2splice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.RegistryEntry;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code h2splice list}: the running sidecars from the local registry, like {@code dapr list}. */
@Command(name = "list",
        description = "List the sidecars running on this machine (from the registry under $H2SPLICE_HOME).",
        footer = {"", "Environment:", "  H2SPLICE_HOME  where the registry lives (default ~/.h2splice)"})
final class ListCommand implements Callable<Integer> {

    /** Output formats, as {@code dapr list --output}. */
    enum Format { table, json, yaml }

    private final CliEnv env;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format output;

    ListCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        List<RegistryEntry> entries = new LocalRegistry(env.home()).list();
        long now = System.currentTimeMillis();
        ZoneId zone = ZoneId.systemDefault();
        switch (output) {
            case json -> env.out().println(new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(SidecarTable.records(entries, now, zone)));
            case yaml -> env.out().print(new YAMLMapper().writeValueAsString(SidecarTable.records(entries, now, zone)));
            default -> env.out().print(entries.isEmpty()
                    ? "No h2splice sidecars found.\n" : SidecarTable.render(entries, now, zone));
        }
        env.out().flush();
        return ExitCodes.OK;
    }
}
