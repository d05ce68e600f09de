package io.h2splice.cli.kube;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import io.h2splice.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code h2splice inject}: the injector's mutation applied to YAML files, for clusters without the webhook (as
 * {@code linkerd inject}). Reads one file or stdin, writes every document to stdout: injected workloads with their
 * {@code <app-id>-dapr} Service after them, everything else as it was.
 */
@Command(name = "inject", sortOptions = false,
        description = {
            "Add the sidecar to annotated workloads in Kubernetes YAML, as the injector would.",
            "",
            "All documents are written to stdout, with a headless Service <app-id>-dapr after each",
            "injected workload.",
            "",
            "Workloads: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,",
            "Job, CronJob, also inside a List; multi-document files. Documents that are not changed",
            "are written back as they were; a changed one loses its comments. A workload whose",
            "dapr.io/* annotations are bad is left as it was, with a warning on stderr.",
            ""
        },
        footer = {
            "",
            "Example:",
            "  h2splice inject -f deployment.yaml | kubectl apply -f -"
        })
public final class InjectCommand implements Callable<Integer> {

    private final CliEnv env;
    private final InputStream stdin;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", defaultValue = "-",
            description = "The YAML to read; '-' for stdin (default: ${DEFAULT-VALUE}).")
    String file;

    @Mixin
    SidecarOptions sidecar = new SidecarOptions();

    public InjectCommand(CliEnv env, InputStream stdin) {
        this.env = env;
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        InjectorSettings settings = sidecar.settings(env);
        String source = "-".equals(file) ? "<stdin>" : file;
        String text = read();
        WorkloadInjector injector = new WorkloadInjector(new PodPatcher(settings), settings.mtls());
        List<String> out = new ArrayList<>();
        try {
            for (YamlDocuments.Document doc : YamlDocuments.parse(text, source)) {
                if (doc.tree() == null) {
                    out.add(doc.text());
                    continue;
                }
                String where = source + ":" + doc.firstLine() + ": ";
                WorkloadInjector.Result r = injector.inject(doc.tree(), w -> env.err().println(where + w));
                out.add(r.object() == doc.tree() ? doc.text() : YamlDocuments.write(r.object()));
                if (r.service() != null) {
                    out.add(YamlDocuments.write(r.service()));
                }
            }
        } catch (InjectException e) {
            throw new UsageException(e.getMessage());
        }
        env.out().print(YamlDocuments.join(out));
        env.out().flush();
        return ExitCodes.OK;
    }

    private String read() {
        try {
            byte[] bytes = "-".equals(file) ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException(file + ": no such file");
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + e.getMessage());
        }
    }
}
