package io.h2splice.cli.run;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import io.h2splice.cli.log.LogSetup;
import io.h2splice.core.acl.AccessList;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.runtime.ProxyStartException;
import io.h2splice.core.trace.TraceRuntime;
import io.h2splice.tls.ca.CaException;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code h2splice run}: start the proxy, start the app, wait until ready, register, wait for the app to exit or a
 * signal, then stop the app, drain and unregister. Every exit path removes the registry entry and leaves no app
 * running (a shutdown hook covers the paths that skip {@link #run}'s own cleanup).
 *
 * <p>In a pod ({@code --mode kubernetes} without an app command: the app is another container) SIGTERM does not drain
 * at once: the sidecar turns not ready and keeps serving for the graceful period while the app drains, then drains
 * ({@link RunSettings#servesOutOnStop()}, {@link Proxy#drainAfter}). In Kubernetes mode the local registry, which
 * only {@code h2splice list}, {@code stop} and standalone name resolution read, is not written: a pod's root
 * filesystem is read-only.
 *
 * <p>Threading: {@link #run} runs on the main thread and is the only one that starts or stops things; signal
 * handlers only complete {@link #signalled} (a second signal also kills the app, or starts the drain, at once).
 */
final class Sidecar {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.run");
    private static final Duration DRAIN_SLACK = Duration.ofSeconds(5);

    private final RunSettings settings;
    private final NameResolver resolver;
    private final CliEnv env;
    private final LocalRegistry registry;
    private final CompletableFuture<String> signalled = new CompletableFuture<>();
    private final AtomicReference<RegistryEntry> registered = new AtomicReference<>();
    private volatile AppProcess app;
    private volatile Proxy proxy;
    private TransportSetup transport;
    private TraceRuntime tracing;
    private ConfigReload reload;

    Sidecar(RunSettings settings, NameResolver resolver, CliEnv env) {
        this.settings = settings;
        this.resolver = resolver;
        this.env = env;
        this.registry = new LocalRegistry(settings.home());
    }

    /** @return the exit code: the app's, 0 when stopped by a signal without an app, 1 on a failure */
    int run() {
        if (!Signals.install(this::onSignal)) {
            LOG.warn("cannot handle SIGTERM here; stopping relies on the JVM's shutdown hook");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::lastResort, "h2splice-exit"));
        try {
            return startAndWait();
        } finally {
            lastResort();
            resolver.close();
            if (reload != null) {
                reload.close();
            }
            if (tracing != null) {
                tracing.close(); // exports what is queued, at most TraceRuntime.CLOSE_TIMEOUT
            }
            if (transport != null) {
                transport.close();
            }
        }
    }

    private int startAndWait() {
        ProxyConfig config = settings.config();
        // RunCommand has logged how names are resolved.
        LOG.info("starting h2splice for app '" + config.appId() + "' in namespace '" + config.namespace() + "'");
        try {
            transport = TransportSetup.create(settings.tls(), config, settings.home());
        } catch (CaException | SSLException e) {
            LOG.error(LogSetup.FATAL, "cannot set up TLS: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        try {
            tracing = TracingSetup.start(settings.dapr().tracing(), config.appId(), env.vars());
        } catch (IllegalArgumentException e) {
            LOG.error(LogSetup.FATAL, "cannot set up tracing: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        LOG.info(TracingSetup.describe(settings.dapr().tracing(), tracing));
        logTokens(config);
        Proxy proxy;
        AccessList accessList = AccessList.compile(settings.dapr().accessControl());
        if (accessList.isActive()) {
            LOG.info("access list: " + accessList.describe()
                    + (transport.security().sidecars().secure() ? "" : "; without mTLS only the global default applies"));
        }
        if (!settings.resourcesPaths().isEmpty()) {
            LOG.info("resiliency from " + settings.resourcesPaths() + ": " + settings.resiliency().describe()
                    + (settings.resiliency().isActive()
                            ? "; requests kept for retries up to " + settings.resiliency().maxRetryBuffer() + " bytes"
                            : ""));
        }
        try {
            proxy = Proxy.builder(config, resolver).security(transport.security()).tracer(tracing.tracer())
                    .metricsSettings(settings.metricsSettings()).accessList(accessList)
                    .resiliency(settings.resiliency()).start();
        } catch (ProxyStartException e) {
            LOG.error(LogSetup.FATAL, "cannot start: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (RuntimeException e) {
            LOG.error(LogSetup.FATAL, "cannot start the proxy: " + e);
            return ExitCodes.FAILURE;
        }
        this.proxy = proxy;
        if (settings.publicPort() >= 0) {
            try {
                proxy.listenPublic(settings.publicPort());
            } catch (ProxyStartException e) {
                LOG.error(LogSetup.FATAL, "cannot start: " + e.getMessage());
                return stop(proxy, ExitCodes.FAILURE);
            }
        }
        if (settings.configFile() != null) {
            reload = new ConfigReload(settings.configFile(), settings.dapr(), proxy.accessLists(),
                    ConfigReload.POLL_MILLIS);
            if (!Signals.installHangup(() -> reload.requestReload("SIGHUP"))) {
                LOG.warn("SIGHUP is ignored by this process (started under nohup?) or reserved by the JVM: it will "
                        + "not reload --config; the file is still re-read when it changes");
            }
        }
        TraceRuntime traces = tracing;
        proxy.addMetrics(() -> transport.metricsText() + traces.metricsText() + LogSetup.metricsText());
        // The proxy logs its transport and bound ports itself.
        proxy.extendedMetadata().put("cliPID", Long.toString(ProcessHandle.current().pid()));
        if (!settings.command().isEmpty() && !signalled.isDone()) {
            try {
                app = AppProcess.start(settings.command(), appEnvironment(proxy), env.out(), env.err());
            } catch (IOException e) {
                LOG.error(LogSetup.FATAL, "cannot start the app '" + settings.command().get(0) + "': " + reason(e));
                return stop(proxy, ExitCodes.FAILURE);
            }
            LOG.info("started the app (pid " + app.pid() + "): " + app.commandLine());
            // What dapr run PUTs on /v1.0/metadata for dapr list.
            proxy.extendedMetadata().put("appPID", Long.toString(app.pid()));
            proxy.extendedMetadata().put("appCommand", app.commandLine());
        }
        CompletableFuture<Integer> appExit = app == null ? new CompletableFuture<>() : app.onExit();
        if (config.hasApp()) {
            LOG.info("waiting for the app on " + config.appAddress() + ":" + config.appPort());
        }
        await(CompletableFuture.anyOf(proxy.whenReady(), appExit, signalled));
        if (!signalled.isDone() && !appExit.isDone()) {
            if (proxy.whenReady().isCompletedExceptionally()) {
                LOG.error(LogSetup.FATAL, "the proxy failed while waiting for the app: " + cause(proxy.whenReady()));
                return stop(proxy, ExitCodes.FAILURE);
            }
            if (settings.kubernetes()) {
                LOG.info("app '" + config.appId() + "' ready (gRPC API " + apiName(proxy) + ", internal port "
                        + proxy.internalPort() + "); not written to the local registry in kubernetes mode");
            } else {
                try { // first: once in the local registry (what tools wait for), it can be found
                    String host = dialable(config.internalAddress());
                    resolver.announce(config.appId(), config.namespace(),
                            NetUtil.toSocketAddressString(host, proxy.internalPort()));
                } catch (IllegalStateException e) {
                    LOG.error(LogSetup.FATAL, e.getMessage());
                    return stop(proxy, ExitCodes.FAILURE);
                }
                try {
                    register(proxy);
                } catch (IOException | RuntimeException e) {
                    LOG.error(LogSetup.FATAL, "cannot register in " + registry.directory() + ": " + e);
                    return stop(proxy, ExitCodes.FAILURE);
                }
                LOG.info("registered app '" + config.appId() + "' (gRPC API " + apiName(proxy)
                        + ", internal port " + proxy.internalPort() + ") in " + registry.directory());
            }
            await(CompletableFuture.anyOf(appExit, signalled));
        }
        if (signalled.isDone()) {
            LOG.info("received " + signalled.getNow("a signal") + ": stopping");
        } else {
            LOG.info("the app exited with code " + appExit.getNow(-1) + ": stopping");
        }
        return stop(proxy, null);
    }

    /** Says which token checks are on; never a token's value. */
    private static void logTokens(ProxyConfig config) {
        if (config.apiTokens().checksCallers()) {
            LOG.info("API token check on (DAPR_API_TOKEN is set): every call on the gRPC API port and every request on "
                    + "the HTTP port except GET /v1.0/healthz must carry it as dapr-api-token");
        }
        if (config.apiTokens().stampsApp()) {
            LOG.info("app token on (APP_API_TOKEN is set): every call to the app carries it as dapr-api-token");
        }
    }

    /**
     * Unregister, SIGTERM the app, drain, then give the app the rest of the graceful period before SIGKILL. A
     * SIGTERM'd sidecar without an app command first keeps serving, not ready, for the graceful period.
     */
    private int stop(Proxy proxy, Integer failure) {
        unregister();
        AppProcess a = app;
        if (a != null) {
            a.terminate();
        }
        Duration grace = settings.config().gracefulShutdown();
        Duration bound = grace.plus(DRAIN_SLACK);
        CompletableFuture<Void> drained;
        if (failure == null && a == null && settings.servesOutOnStop() && "SIGTERM".equals(signalled.getNow(null))) {
            drained = proxy.drainAfter(grace);
            bound = bound.plus(grace);
        } else {
            drained = proxy.drain();
        }
        try {
            drained.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("drain did not finish within " + bound.toSeconds() + " s; exiting anyway");
        } catch (ExecutionException | RuntimeException e) {
            LOG.warn("drain failed: " + (e instanceof ExecutionException ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int code = ExitCodes.OK;
        if (a != null) {
            try {
                code = a.awaitExit(grace);
                LOG.info("the app exited with code " + code);
            } catch (InterruptedException | RuntimeException e) {
                a.kill();
                code = ExitCodes.FAILURE;
            }
        }
        LOG.info("h2splice stopped");
        return failure != null ? failure : code;
    }

    private void register(Proxy proxy) throws IOException {
        ProxyConfig c = settings.config();
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
        AppProcess a = app;
        RegistryEntry e = new RegistryEntry(c.appId(), c.namespace(), self.pid(), self.pid(),
                dialable(c.internalAddress()), proxy.internalPort(), proxy.apiPort(), proxy.httpPort(),
                proxy.metricsPort(), c.appPort(), a == null ? 0 : a.pid(), a == null ? "" : a.commandLine(), started);
        registered.set(e);
        registry.register(e);
    }

    private void unregister() {
        RegistryEntry e = registered.getAndSet(null);
        if (e != null) {
            registry.unregister(e);
        }
    }

    /** Idempotent: runs at the end of {@link #run} and from the shutdown hook. */
    private void lastResort() {
        unregister();
        AppProcess a = app;
        if (a != null && a.isAlive()) {
            a.kill();
        }
    }

    private void onSignal(String name) {
        if (!signalled.complete(name)) {
            AppProcess a = app;
            Proxy p = proxy;
            if (a != null && a.isAlive()) {
                LOG.warn("second " + name + ": killing the app now");
                a.kill();
            } else if (a == null && p != null && !p.isReady()) {
                LOG.warn("second " + name + ": draining now");
                p.drain();
            }
        }
    }

    /**
     * The app's environment: ours, plus what {@code dapr run} adds. As with {@code dapr run}, the app is not given
     * {@code DAPR_API_TOKEN} (nor {@code APP_API_TOKEN}); it inherits them only when they were exported to us.
     */
    private Map<String, String> appEnvironment(Proxy proxy) {
        ProxyConfig c = settings.config();
        Map<String, String> m = new HashMap<>(env.vars());
        m.put("APP_ID", c.appId());
        if (c.appPort() > 0) {
            m.put("APP_PORT", Integer.toString(c.appPort()));
        } else {
            m.remove("APP_PORT");
        }
        m.put("APP_CHANNEL_ADDRESS", c.appAddress());
        m.put("APP_PROTOCOL", settings.appProtocol());
        if (c.apiSocket() == null) { // on a Unix socket, the app was told the directory
            m.put("DAPR_GRPC_PORT", Integer.toString(proxy.apiPort()));
            m.put("DAPR_HTTP_PORT", Integer.toString(proxy.httpPort()));
        } else {
            m.remove("DAPR_GRPC_PORT");
            m.remove("DAPR_HTTP_PORT");
        }
        m.put("DAPR_METRICS_PORT", Integer.toString(proxy.metricsPort()));
        return m;
    }

    /** "port N", or "socket PATH" with {@code --unix-domain-socket}. */
    private String apiName(Proxy proxy) {
        Path socket = settings.config().apiSocket();
        return socket == null ? "port " + proxy.apiPort() : "socket " + socket;
    }

    /** The address other sidecars dial: loopback when the internal listener binds every interface. */
    static String dialable(String bindAddress) {
        return switch (bindAddress) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> bindAddress;
        };
    }

    /** "No such file or directory" out of {@code Cannot run program "x": error=2, No such file or directory}. */
    static String reason(IOException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("error=");
        int comma = i < 0 ? -1 : m.indexOf(", ", i);
        return comma < 0 ? m : m.substring(comma + 2);
    }

    private static void await(CompletableFuture<?> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            // The caller looks at which future completed, and how.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return null;
        } catch (RuntimeException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }
}
