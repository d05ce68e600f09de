package io.h2splice.cli.run;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.log.LogSetup;
import io.h2splice.core.resolve.NameResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code h2splice run}: {@code dapr run}'s flags, validated into {@link RunSettings}, then a {@link Sidecar}.
 * Fields are the raw flag values; {@link RunSettings#from} turns them into records.
 */
@Command(name = "run", sortOptions = false,
        description = {
            "Run a sidecar and, after '--', the app. Same flags as 'dapr run'.",
            "",
            "Ports left out are free ports picked at start. The app gets them in DAPR_GRPC_PORT,",
            "DAPR_HTTP_PORT and DAPR_METRICS_PORT, with APP_ID, APP_PORT, APP_CHANNEL_ADDRESS and",
            "APP_PROTOCOL. When the app exits, the sidecar drains and exits with the app's exit code.",
            "On SIGINT or SIGTERM it sends SIGTERM to the app, drains, and exits with the app's exit",
            "code (0 without an app). With --mode kubernetes and no app (a pod), SIGTERM first turns",
            "healthz to 500 and keeps serving for --dapr-graceful-shutdown-seconds, then drains.",
            ""
        },
        footer = {
            "",
            "Of --config's spec.nameResolution, components kubernetes (clusterDomain, template)",
            "and sqlite (Dapr's table, shared with daprd sidecars on one host) are built; others:",
            "a warning at start.",
            "",
            "Environment:",
            "  NAMESPACE      this sidecar's namespace (default 'default')",
            "  H2SPLICE_HOME  where running sidecars register, for name resolution, list and stop",
            "                 (default ~/.h2splice)",
            "  OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES  the spans' service.name (default: the",
            "                 app id) and resource attributes (key=value,...)",
            "",
            "Example:",
            "  h2splice run --app-id server --app-port 50051 -- java -jar server.jar"
        })
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.run");

    private final CliEnv env;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-a", "--app-id"}, paramLabel = "ID",
            description = "The app's id; no dots (default: a random 'h2splice-xxxx').")
    String appId;

    @Option(names = {"-p", "--app-port"}, paramLabel = "PORT",
            description = "The port the app listens on for gRPC (default: none: the sidecar only makes calls).")
    int appPort;

    @Option(names = {"-P", "--app-protocol"}, paramLabel = "PROTOCOL", defaultValue = "grpc",
            description = "grpc, h2c or http dial the app with plaintext gRPC; grpcs or https with TLS, not "
                    + "verifying the app's certificate (as Dapr) (default: ${DEFAULT-VALUE}).")
    String appProtocol;

    @Option(names = "--app-channel-address", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Where the app listens (default: ${DEFAULT-VALUE}).")
    String appChannelAddress;

    @Option(names = "--app-ssl", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "TLS to the app, as --app-protocol grpcs (deprecated in Dapr; still accepted).")
    boolean appSsl;

    @Option(names = {"-G", "--dapr-grpc-port"}, paramLabel = "PORT",
            description = "The gRPC API port apps call (default: a free port).")
    int grpcPort;

    @Option(names = {"-I", "--dapr-internal-grpc-port"}, paramLabel = "PORT",
            description = "The sidecar-to-sidecar port (default: a free port).")
    int internalPort;

    @Option(names = {"-H", "--dapr-http-port"}, paramLabel = "PORT",
            description = "The HTTP port: /v1.0/healthz and /v1.0/metadata (default: a free port).")
    int httpPort;

    @Option(names = {"-M", "--metrics-port"}, paramLabel = "PORT",
            description = "The Prometheus metrics port (default: a free port).")
    int metricsPort;

    @Option(names = "--enable-metrics", paramLabel = "BOOL", arity = "0..1", defaultValue = "true",
            fallbackValue = "true", description = "Serve Prometheus metrics and record them per call "
                    + "(default: ${DEFAULT-VALUE}; --enable-metrics=false turns both off, as spec.metric.enabled: false).")
    boolean enableMetrics = true;

    @Option(names = "--dapr-listen-addresses", paramLabel = "ADDRS", defaultValue = "127.0.0.1",
            description = "Comma-separated addresses the sidecar's ports bind to (default: ${DEFAULT-VALUE}; "
                    + "unlike Dapr, which listens on all interfaces, h2splice binds loopback unless told).")
    String listenAddresses;

    @Option(names = "--max-body-size", paramLabel = "SIZE",
            description = "Largest gRPC message, as a quantity: 16Mi, 4M, 1Gi or bytes (default: no limit; "
                    + "h2splice never holds a whole message, unlike Dapr's 4Mi).")
    String maxBodySize;

    @Option(names = "--read-buffer-size", paramLabel = "SIZE", defaultValue = "4Ki",
            description = "As daprd: the HTTP/2 header list limit is this << 10 (default: ${DEFAULT-VALUE} = 4 MiB "
                    + "of headers).")
    String readBufferSize;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "Bytes the sidecar may buffer because of what peers send (DATA not yet written on, "
                    + "unfinished header blocks, calls' kept headers and replays), as a quantity; at half of it new "
                    + "streams and API connections are refused, at three quarters the largest holder is shed "
                    + "(default: half of the JVM's heap or direct memory, whichever is smaller, at most 128Mi: "
                    + "128Mi with the launcher's flags; at least 4Mi).")
    String memoryBudget;

    @Option(names = "--dapr-graceful-shutdown-seconds", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long running calls may take to finish when stopping; with --mode kubernetes and "
                    + "no app command, also how long a SIGTERM'd sidecar keeps serving first (default: ${DEFAULT-VALUE}; a negative "
                    + "value, as Dapr's injector passes -1, means the default).")
    int gracefulSeconds;

    @Option(names = "--dapr-public-port", paramLabel = "PORT",
            description = "Also listen on every interface on this port, serving only GET /v1.0/healthz, for "
                    + "Kubernetes' probes (Dapr's 3501; default: off).")
    Integer publicPort;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "debug, info, warn, error or fatal (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--log-as-json", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Log JSON lines with daprd's fields (app_id, instance, level, msg, scope, time, type, "
                    + "ver) instead of daprd's plain lines.")
    boolean logAsJson;

    @Option(names = "--enable-api-logging", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Log one info line per call on the gRPC API port, as daprd (method, useragent, "
                    + "duration, code, caller, target); calls from other sidecars at debug only.")
    boolean apiLogging;

    @Option(names = "--enable-mtls", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "mTLS between sidecars (default: ${DEFAULT-VALUE}; unlike Dapr, secure by default). "
                    + "Certificates come from the local CA under H2SPLICE_HOME (made on first use), from Dapr's "
                    + "Sentry (--sentry-address), or from --cert-chain-file, --cert-key-file and the trust anchors.")
    boolean enableMtls;

    @Option(names = "--cert-chain-file", paramLabel = "FILE",
            description = "This sidecar's certificate chain (PEM, leaf first) instead of the local CA; watched and "
                    + "reloaded. Needs --cert-key-file and trust anchors.")
    Path certChainFile;

    @Option(names = "--cert-key-file", paramLabel = "FILE",
            description = "The private key of --cert-chain-file (PEM: PKCS#8, SEC1 EC or Ed25519).")
    Path certKeyFile;

    @Option(names = "--trust-anchors-file", paramLabel = "FILE",
            description = "The roots peers must chain to (PEM), with --cert-chain-file or --sentry-address; the "
                    + "environment variable DAPR_TRUST_ANCHORS (PEM text) works too.")
    Path trustAnchorsFile;

    @Option(names = "--sentry-address", paramLabel = "HOST:PORT",
            description = "Get this sidecar's certificate from Dapr's Sentry at this address, as daprd does, instead "
                    + "of the local CA: a new key, signed by Sentry at start and renewed at half its life, in "
                    + "Sentry's trust domain (shared with daprd sidecars). Needs mTLS and the trust anchors: "
                    + "DAPR_TRUST_ANCHORS or --trust-anchors-file.")
    String sentryAddress;

    @Option(names = "--control-plane-trust-domain", paramLabel = "DOMAIN",
            description = "The trust domain of Sentry's own SPIFFE id, checked when connecting to it (default: "
                    + "DAPR_CONTROLPLANE_TRUST_DOMAIN, else localhost, as daprd).")
    String controlPlaneTrustDomain;

    @Option(names = "--control-plane-namespace", paramLabel = "NAMESPACE",
            description = "The namespace of Sentry's own SPIFFE id (default: DAPR_CONTROLPLANE_NAMESPACE, else "
                    + "default, as daprd).")
    String controlPlaneNamespace;

    @Option(names = "--workers", paramLabel = "N",
            description = "Event loop threads (default: the number of cores).")
    Integer workers;

    @Option(names = "--resolver-file", paramLabel = "FILE",
            description = "Resolve apps from this YAML file instead of the local registry: a list 'apps' of "
                    + "{appId, namespace (default 'default'), addresses: [host:port of the sidecars' internal "
                    + "ports]}.")
    Path resolverFile;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "standalone",
            description = "standalone or kubernetes, as daprd (default: ${DEFAULT-VALUE}). kubernetes: apps are "
                    + "found by DNS as <app-id>-dapr.<namespace>.svc.<cluster-domain>, every address at this "
                    + "sidecar's --dapr-internal-grpc-port; ports left out are Dapr's 50001, 50002, 3500, 9090; the "
                    + "internal port listens on every IPv4 interface.")
    String mode;

    @Option(names = "--kubernetes-cluster-domain", paramLabel = "DOMAIN",
            description = "The cluster domain of Kubernetes names (default: --config's spec.nameResolution."
                    + "configuration.clusterDomain, else cluster.local; h2splice's own flag).")
    String clusterDomain;

    @Option(names = "--kubernetes-template", paramLabel = "TEMPLATE",
            description = "Dapr's kubernetes resolver template instead of the default name, e.g. "
                    + "'{{.ID}}-dapr.{{.Namespace}}.internal:{{.Port}}': {{.ID}}, {{.Namespace}} and {{.Port}} only "
                    + "(default: --config's spec.nameResolution.configuration.template; h2splice's own flag).")
    String template;

    @Option(names = "--dns-server", paramLabel = "IP[:PORT]",
            description = "Ask this DNS server for Kubernetes names instead of the system's (/etc/resolv.conf); "
                    + "port 53 unless given (h2splice's own flag).")
    String dnsServer;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Dapr Configuration YAML: spec.mtls (enabled: false turns mTLS off; workloadCertTTL, "
                    + "allowedClockSkew), spec.accessControl (the access list callers must pass, and trustDomain: "
                    + "this sidecar's SPIFFE trust domain) and spec.tracing (samplingRate, zipkin, otel, stdout). "
                    + "The access list is re-read on SIGHUP and when the file changes.")
    String config;

    @Option(names = {"--resources-path", "--components-path", "-d"}, paramLabel = "DIR",
            description = "A directory of Dapr resources; repeatable. The Resiliency resources of its *.yaml and "
                    + "*.yml files that apply to this app (scopes) give timeouts, retries and circuit breakers to "
                    + "calls to other apps (spec.targets.apps, Default*Policy); other kinds (Component, "
                    + "Subscription, ...) are skipped. A broken Resiliency stops the start (default: none).")
    List<String> resourcesPaths = new ArrayList<>();

    @Option(names = "--max-retry-buffer", paramLabel = "SIZE", defaultValue = "64Ki",
            description = "Request bytes kept per call so a retry policy can replay it, as a quantity: 64Ki, 1Mi "
                    + "or bytes; a call whose request grows beyond it is not retried by policy. 0 keeps nothing: "
                    + "only attempts that failed before sending any request byte (a failed dial) are retried "
                    + "(default: ${DEFAULT-VALUE}; h2splice's own flag).")
    String maxRetryBuffer;

    @Option(names = {"-u", "--unix-domain-socket"}, paramLabel = "DIR",
            description = "Serve the gRPC API on the Unix socket DIR/dapr-<app id>-grpc.socket (and HTTP on "
                    + "DIR/dapr-<app id>-http.socket) instead of TCP ports, as daprd does; the app then gets no "
                    + "DAPR_GRPC_PORT or DAPR_HTTP_PORT. DIR must exist.")
    String unixDomainSocket;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The app to start, with its arguments (after '--', or after the last flag).")
    List<String> command = new ArrayList<>();

    private RunCommand(CliEnv env) {
        this.env = env;
    }

    /** {@code run}'s parser: everything from the first positional argument on is the app's command line. */
    public static CommandLine commandLine(CliEnv env) {
        return new CommandLine(new RunCommand(env)).setStopAtPositional(true);
    }

    @Override
    public Integer call() {
        RunSettings settings = RunSettings.from(this, env);
        ResolverSettings naming = ResolverSettings.from(this, settings.dapr().nameResolution());
        int internalPort = settings.config().internalPort();
        NameResolver resolver = naming.newResolver(settings.home(), internalPort);
        LogSetup.install(settings.logLevel(), settings.logAsJson(), settings.config().appId(), env.out(), env.vars());
        try {
            settings.configIgnored().forEach(LOG::debug);
            settings.configWarnings().forEach(LOG::warn);
            naming.warnings().forEach(LOG::warn);
            LOG.info("name resolution: " + naming.describe(internalPort));
            return new Sidecar(settings, resolver, env).run();
        } finally {
            LogSetup.close(); // the last lines are written before run returns (and the process exits)
        }
    }
}
