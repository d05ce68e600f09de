package io.h2splice.cli.kube;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import io.h2splice.cli.UsageException;
import io.h2splice.cli.log.LogLevel;
import io.h2splice.cli.log.LogSetup;
import io.h2splice.tls.ca.CaException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code h2splice injector}: the mutating admission webhook. Serves until SIGTERM (or, in tests, until its thread is
 * interrupted).
 */
@Command(name = "injector", sortOptions = false,
        description = {
            "Serve the Kubernetes admission webhook that adds the sidecar to annotated pods.",
            "",
            "Pods annotated dapr.io/enabled: \"true\" get the h2splice sidecar (a 'daprd' container),",
            "as with Dapr's sidecar injector.",
            "",
            "POST /mutate takes an AdmissionReview (admission.k8s.io/v1) and answers with a JSONPatch;",
            "GET /healthz answers 200. Pods are never refused: bad annotations leave them unpatched,",
            "with a warning. For each patched pod the headless Service <app-id>-dapr is created or",
            "updated through the Kubernetes API (--manage-services).",
            ""
        },
        footer = {
            "",
            "Environment:",
            "  SIDECAR_IMAGE            the default of --sidecar-image",
            "  KUBERNETES_SERVICE_HOST  set in a pod: --manage-services defaults to true, with the pod's",
            "                           service account",
            "",
            "See docs/kubernetes-injector.md."
        })
public final class InjectorCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.kube");

    private final CliEnv env;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "4000",
            description = "The HTTPS port (default: ${DEFAULT-VALUE}, as Dapr's injector; 0 picks a free one).")
    int port;

    @Option(names = "--listen-address", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "The address to bind (default: ${DEFAULT-VALUE}).")
    String listenAddress;

    @Option(names = "--tls-cert-file", paramLabel = "FILE", defaultValue = "/etc/h2splice/webhook/tls.crt",
            description = "The serving certificate chain, PEM; re-read when it changes (default: ${DEFAULT-VALUE}).")
    Path certFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE", defaultValue = "/etc/h2splice/webhook/tls.key",
            description = "Its private key, PEM (default: ${DEFAULT-VALUE}).")
    Path keyFile;

    @Mixin
    SidecarOptions sidecar = new SidecarOptions();

    @Option(names = "--manage-services", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Create or update <app-id>-dapr Services through the Kubernetes API (default: true in a "
                    + "pod, false elsewhere).")
    Boolean manageServices;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "debug, info, warn, error or fatal (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--log-as-json", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Log JSON lines with daprd's fields.")
    boolean logAsJson;

    public InjectorCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, GeneralSecurityException {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be in 0..65535, got " + port);
        }
        LogLevel level = LogLevel.parse(logLevel);
        InjectorSettings settings = sidecar.settings(env);
        ReloadingKeyManager keys;
        try {
            keys = new ReloadingKeyManager(certFile, keyFile);
        } catch (CaException e) {
            throw new UsageException("--tls-cert-file/--tls-key-file: " + e.getMessage());
        }
        boolean services = manageServices != null ? manageServices : env.vars().containsKey("KUBERNETES_SERVICE_HOST");
        LogSetup.install(level, logAsJson, "dapr-sidecar-injector", env.out(), env.vars());
        KubernetesServices kube = services ? new KubernetesServices(new KubernetesClientBuilder().build()) : null;
        AdmissionReviewer reviewer = new AdmissionReviewer(new PodPatcher(settings), settings.mtls());
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM: the JVM waits for hooks only, so the hook waits for this thread to close the server and log.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "h2splice-injector-stop");
        try (InjectorServer server = InjectorServer.start(new InetSocketAddress(listenAddress, port), keys,
                new MutateHandler(reviewer, kube != null ? kube : ServiceSink.NONE))) {
            LOG.info("Injector listening on https://{}:{}/mutate; sidecar image {}; Services {}", listenAddress,
                    server.port(), settings.image(), services ? "managed" : "not managed");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            removeHook(hook);
            if (kube != null) {
                kube.close();
            }
            LOG.info("Injector stopped");
            LogSetup.close();
            stopped.countDown();
        }
        return ExitCodes.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running or has run
        }
    }
}
