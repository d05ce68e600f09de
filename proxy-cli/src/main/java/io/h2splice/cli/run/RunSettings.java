package io.h2splice.cli.run;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.cli.config.ConfigException;
import io.h2splice.cli.config.ConfigurationFile;
import io.h2splice.cli.config.ResiliencyFiles;
import io.h2splice.cli.log.LogLevel;
import io.h2splice.core.config.ApiTokens;
import io.h2splice.core.config.DaprConfiguration;
import io.h2splice.core.config.Keepalive;
import io.h2splice.core.config.Limits;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.metrics.MetricsSettings;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.netty.util.internal.PlatformDependent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A validated {@code h2splice run} command line.
 *
 * @param config       what the proxy gets
 * @param appProtocol  the {@code --app-protocol} value given to the app as {@code APP_PROTOCOL}
 * @param command      the app's command and arguments; empty without an app
 * @param logLevel     {@code --log-level}
 * @param logAsJson    {@code --log-as-json}
 * @param home         {@code H2SPLICE_HOME}: the registry lives under it
 * @param resolverFile {@code --resolver-file}, or null ({@link ResolverSettings} then picks the resolver)
 * @param tls          mTLS between sidecars and TLS to the app
 * @param dapr         the {@code --config} Dapr Configuration, or its defaults without one
 * @param configIgnored one line per field of the {@code --config} file or document of the {@code --resources-path}
 *                     directories h2splice does not read or skips (for debug lines)
 * @param configFile   the {@code --config} file (re-read on SIGHUP or change for the access list), or null
 * @param resourcesPaths the {@code --resources-path} directories, in the order given
 * @param resiliency   the Resiliency resources of those directories that apply to this app, with
 *                     {@code --max-retry-buffer}; inactive without any
 * @param publicPort   {@code --dapr-public-port}, or -1 when not given
 * @param kubernetes   {@code --mode kubernetes}
 */
record RunSettings(ProxyConfig config, String appProtocol, List<String> command, LogLevel logLevel, boolean logAsJson,
                   Path home, Path resolverFile, TlsSettings tls, DaprConfiguration dapr, List<String> configIgnored,
                   Path configFile, List<Path> resourcesPaths, ResiliencyPolicies resiliency, int publicPort,
                   boolean kubernetes) {

    /** How calls are counted: off with the metrics port, Dapr's buckets unless the configuration sets them. */
    MetricsSettings metricsSettings() {
        return new MetricsSettings(config.metricsPort() >= 0, dapr.latencyBuckets(), MetricsSettings.DEFAULT_MAX_SERIES);
    }

    /**
     * Whether a SIGTERM keeps the sidecar serving (not ready) for the graceful period before it drains: the stop of
     * a pod ({@code --mode kubernetes} without an app command), where the app is another container stopping at the
     * same time (docs/kubernetes.md "Graceful shutdown"). With an app command the app is stopped first and the drain
     * starts at once, as {@code dapr run} does.
     */
    boolean servesOutOnStop() {
        return kubernetes && command.isEmpty();
    }

    /** Dapr's graceful shutdown when {@code --dapr-graceful-shutdown-seconds} is negative (the injector's -1). */
    static final int DEFAULT_GRACEFUL_SECONDS = 5;

    /** Largest {@code --read-buffer-size}: its {@code << 10} must fit SETTINGS_MAX_HEADER_LIST_SIZE (32 bits). */
    static final long MAX_READ_BUFFER = (0xFFFF_FFFFL >> 10);
    static final int MAX_WORKERS = 1024;
    static final int MAX_GRACEFUL_SECONDS = 3600;
    /** Largest {@code --max-retry-buffer}: 1 GiB per call, far beyond what a sidecar's heap could hold for many. */
    static final long MAX_RETRY_BUFFER = 1L << 30;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    RunSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(appProtocol, "appProtocol");
        command = List.copyOf(command);
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dapr, "dapr");
        configIgnored = List.copyOf(configIgnored);
        resourcesPaths = List.copyOf(resourcesPaths);
        Objects.requireNonNull(resiliency, "resiliency");
    }

    /**
     * One line each for what the {@code --config} file asks for that is not built yet but harmless to leave out, or
     * that Dapr too would leave unused: logged as warnings at start.
     */
    List<String> configWarnings() {
        List<String> out = new ArrayList<>();
        var t = dapr.tracing();
        if (t.enabled() && (t.otelEndpoint() == null) != (t.otelProtocol() == null)) {
            out.add("--config: spec.tracing.otel needs both endpointAddress and protocol (grpc or http); with only "
                    + (t.otelEndpoint() == null ? "protocol" : "endpointAddress") + " no OTLP exporter is set up "
                    + "(as in Dapr)");
        }
        return out;
    }

    /** @throws UsageException with one line naming the flag (or variable) and the problem */
    static RunSettings from(RunCommand f, CliEnv env) {
        ApiTokens tokens = apiTokens(env);
        String appId = f.appId == null ? randomAppId() : name(f.appId, "--app-id");
        String namespace = name(env.namespace(), "NAMESPACE");
        String protocol = protocol(f.appProtocol);
        ResolverSettings.applyModeDefaults(f); // --mode kubernetes: Dapr's ports for those left out
        checkPorts(f);
        List<String> listen = listenAddresses(f.listenAddresses);
        String appAddress = host(f.appChannelAddress, "--app-channel-address");
        int workers = f.workers == null ? Math.max(1, Runtime.getRuntime().availableProcessors()) : f.workers;
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new UsageException("--workers must be in 1.." + MAX_WORKERS + ", got " + workers);
        }
        int gracefulSeconds = f.gracefulSeconds < 0 ? DEFAULT_GRACEFUL_SECONDS : f.gracefulSeconds;
        if (gracefulSeconds > MAX_GRACEFUL_SECONDS) {
            throw new UsageException("--dapr-graceful-shutdown-seconds must be at most " + MAX_GRACEFUL_SECONDS
                    + ", got " + f.gracefulSeconds);
        }
        LogLevel level = LogLevel.parse(f.logLevel);
        Limits limits = limits(f);
        if (f.resolverFile != null && !Files.isRegularFile(f.resolverFile)) {
            throw new UsageException("--resolver-file: no such file: " + f.resolverFile);
        }
        List<String> ignored = new ArrayList<>();
        DaprConfiguration dapr = daprConfiguration(f.config, ignored);
        boolean metrics = f.enableMetrics && dapr.metricsEnabled();
        ProxyConfig config;
        try {
            config = ProxyConfig.builder(appId).namespace(namespace).listenAddresses(listen).apiPort(f.grpcPort)
                    .internal(ResolverSettings.internalAddress(f, listen), f.internalPort).httpPort(f.httpPort)
                    .metricsPort(metrics ? f.metricsPort : -1).app(appAddress, f.appPort).workers(workers)
                    .limits(limits).keepalive(Keepalive.defaults()).connectTimeout(CONNECT_TIMEOUT)
                    .gracefulShutdown(Duration.ofSeconds(gracefulSeconds)).apiLogging(f.apiLogging).apiTokens(tokens)
                    .unixSocketDir(socketDir(f.unixDomainSocket)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        TlsSettings tls = TlsSettings.from(f, env, protocol, dapr);
        int retryBuffer = maxRetryBuffer(f.maxRetryBuffer);
        List<Path> resources = paths(f.resourcesPaths, "--resources-path");
        ResiliencyPolicies resiliency = resiliency(resources, appId, retryBuffer, ignored);
        return new RunSettings(config, protocol, f.command, level, f.logAsJson, env.home(), f.resolverFile, tls, dapr,
                ignored, f.config == null ? null : Path.of(f.config), resources, resiliency,
                f.publicPort == null ? -1 : f.publicPort,
                ResolverSettings.Mode.parse(f.mode) == ResolverSettings.Mode.KUBERNETES);
    }

    /**
     * Reads the Resiliency resources of {@code --resources-path} that apply to {@code appId}; documents of other kinds
     * (Dapr's components) are skipped.
     */
    private static ResiliencyPolicies resiliency(List<Path> dirs, String appId, int maxRetryBuffer,
            List<String> ignored) {
        List<Resiliency> loaded;
        try {
            loaded = ResiliencyFiles.read(dirs, appId, ignored::add);
        } catch (ConfigException e) {
            throw new UsageException("--resources-path: " + e.getMessage());
        }
        try {
            return new ResiliencyPolicies(loaded, maxRetryBuffer); // none loaded: inactive, as ResiliencyPolicies.NONE
        } catch (IllegalArgumentException e) { // the loader checked every trip expression; kept as a usage error
            throw new UsageException("--resources-path: " + e.getMessage());
        }
    }

    private static List<Path> paths(List<String> values, String flag) {
        List<Path> out = new ArrayList<>();
        for (String v : values) {
            try {
                out.add(Path.of(v));
            } catch (java.nio.file.InvalidPathException e) {
                throw new UsageException(flag + ": '" + v + "' is not a path: " + e.getReason());
            }
        }
        return out;
    }

    /**
     * {@code --max-retry-buffer}: a quantity as {@code --max-body-size}, 0 to {@link #MAX_RETRY_BUFFER} bytes.
     * 0 is allowed: nothing is kept, so a retry policy retries only attempts that failed before sending any request
     * byte upstream (a failed dial or resolution); the refused-stream replay keeps its own 256 KiB.
     */
    static int maxRetryBuffer(String value) {
        long bytes = Quantity.bytes(value, "--max-retry-buffer");
        if (bytes > MAX_RETRY_BUFFER) {
            throw new UsageException("--max-retry-buffer must be at most 1Gi (" + MAX_RETRY_BUFFER + " bytes), got '"
                    + value + "'");
        }
        return (int) bytes;
    }

    /** Reads {@code --config}. */
    private static DaprConfiguration daprConfiguration(String file, List<String> ignored) {
        if (file == null) {
            return DaprConfiguration.defaults();
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new UsageException("--config: no such file: " + file);
        }
        DaprConfiguration dapr;
        try {
            dapr = ConfigurationFile.read(path, ignored::add);
        } catch (ConfigException e) {
            throw new UsageException("--config: " + e.getMessage());
        }
        return dapr;
    }

    /** {@code --unix-domain-socket}: an existing directory, or null for TCP. */
    private static Path socketDir(String dir) {
        if (dir == null) {
            return null;
        }
        Path path = Path.of(dir).toAbsolutePath();
        if (!Files.isDirectory(path)) {
            throw new UsageException("--unix-domain-socket: no such directory: " + dir);
        }
        return path;
    }

    /** {@code DAPR_API_TOKEN} and {@code APP_API_TOKEN}; unset and empty both mean "not set", as in Dapr. */
    private static ApiTokens apiTokens(CliEnv env) {
        try {
            return new ApiTokens(env.vars().getOrDefault("DAPR_API_TOKEN", ""),
                    env.vars().getOrDefault("APP_API_TOKEN", ""));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage()); // names the variable, never the value
        }
    }

    private static String protocol(String value) {
        String p = value.strip().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "grpc", "h2c", "http", "grpcs", "https" -> p;
            default -> throw new UsageException("--app-protocol must be one of grpc, grpcs, h2c, http, https; got '"
                    + value + "'");
        };
    }

    private static void checkPorts(RunCommand f) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--app-port", f.appPort);
        ports.put("--dapr-grpc-port", f.grpcPort);
        ports.put("--dapr-internal-grpc-port", f.internalPort);
        ports.put("--dapr-http-port", f.httpPort);
        ports.put("--metrics-port", f.metricsPort);
        ports.put("--dapr-public-port", f.publicPort == null ? 0 : f.publicPort);
        List<Map.Entry<String, Integer>> given = new ArrayList<>();
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            if (p.getValue() < 0 || p.getValue() > 65_535) {
                throw new UsageException(p.getKey() + " must be a port in 0..65535 (0 = pick a free one), got "
                        + p.getValue());
            }
            for (Map.Entry<String, Integer> other : given) {
                if (p.getValue() != 0 && p.getValue().equals(other.getValue())) {
                    throw new UsageException(other.getKey() + " and " + p.getKey() + " are both " + p.getValue()
                            + "; each port must be different");
                }
            }
            given.add(p);
        }
    }

    private static List<String> listenAddresses(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            out.add(host(part, "--dapr-listen-addresses"));
        }
        return List.copyOf(out);
    }

    private static String host(String value, String flag) {
        String h = value.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty()) {
            throw new UsageException(flag + ": empty address in '" + value + "'");
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '_' || c == '%')) {
                throw new UsageException(flag + ": '" + value.strip() + "' is not an IP address or host name");
            }
        }
        return h;
    }

    private static Limits limits(RunCommand f) {
        Limits limits = Limits.defaults();
        long readBuffer = Quantity.bytes(f.readBufferSize, "--read-buffer-size");
        if (readBuffer < 1 || readBuffer > MAX_READ_BUFFER) {
            throw new UsageException("--read-buffer-size must be in 1.." + MAX_READ_BUFFER + " bytes (4Mi - 1), got '"
                    + f.readBufferSize + "'");
        }
        limits = limits.withMaxHeaderListSize(readBuffer << 10);
        if (f.maxBodySize != null) {
            long max = Quantity.bytes(f.maxBodySize, "--max-body-size");
            if (max < 1) {
                throw new UsageException("--max-body-size must be at least 1 byte, got '" + f.maxBodySize + "'");
            }
            limits = limits.withMaxBodySize(max);
        }
        if (f.memoryBudget == null) {
            return limits.withMemoryBudget(Limits.memoryBudgetFor(Runtime.getRuntime().maxMemory(),
                    PlatformDependent.maxDirectMemory()));
        }
        long budget = Quantity.bytes(f.memoryBudget, "--memory-budget");
        if (budget < Limits.MIN_MEMORY_BUDGET) {
            throw new UsageException("--memory-budget must be at least 4Mi, got '" + f.memoryBudget + "'");
        }
        return limits.withMemoryBudget(budget);
    }

    private static String name(String value, String what) {
        try {
            return RegistryEntry.requireValidName(value, what);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Like {@code dapr run}'s random name when {@code --app-id} is left out. */
    static String randomAppId() {
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder("h2splice-");
        for (int i = 0; i < 4; i++) {
            b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
