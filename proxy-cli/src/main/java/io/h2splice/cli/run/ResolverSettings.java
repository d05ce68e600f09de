package io.h2splice.cli.run;

import io.h2splice.cli.UsageException;
import io.h2splice.cli.config.ConfigException;
import io.h2splice.cli.config.ResolverFile;
import io.h2splice.cli.sqlite.SqliteResolver;
import io.h2splice.cli.sqlite.SqliteSettings;
import io.h2splice.core.config.NameResolution;
import io.h2splice.core.resolve.KubernetesDnsResolver;
import io.h2splice.core.resolve.KubernetesNaming;
import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.resolve.LocalRegistryResolver;
import io.h2splice.core.resolve.NameResolver;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How {@code h2splice run} finds other apps' sidecars: {@code --mode}, {@code --resolver-file}, the Kubernetes
 * flags and the {@code --config} file's {@code spec.nameResolution}, validated.
 *
 * <ul>
 *   <li>{@code --resolver-file} wins over everything (h2splice's own flag).</li>
 *   <li>Else Kubernetes DNS ({@link KubernetesDnsResolver}) in {@code --mode kubernetes}, or in either mode when the
 *       Configuration names {@code component: kubernetes} (as in Dapr, where the component is chosen independently of
 *       the mode). Its {@code configuration.clusterDomain} and {@code configuration.template} apply unless the
 *       {@code --kubernetes-*} flags say otherwise; with both a template and a cluster domain the template is used,
 *       as Dapr does.</li>
 *   <li>Else Dapr's SQLite table ({@link SqliteResolver}) when the Configuration names {@code component: sqlite}: daprd
 *       and h2splice sidecars on one host find each other through it.</li>
 *   <li>Else the local registry, h2splice's stand-in for Dapr's self-hosted mDNS.</li>
 * </ul>
 * Another component ({@code consul}, …) is not built: a warning says what is used instead.
 *
 * @param mode         {@code --mode}
 * @param resolverFile {@code --resolver-file}, or null
 * @param kubernetes   how names are built when Kubernetes DNS is used, else null
 * @param dnsServer    {@code --dns-server}, or null for the system's
 * @param sqlite       Dapr's SQLite name resolution, when the Configuration names {@code component: sqlite}
 * @param warnings     lines to log at start
 */
record ResolverSettings(Mode mode, Path resolverFile, KubernetesNaming kubernetes, InetSocketAddress dnsServer,
                        SqliteSettings sqlite, List<String> warnings) {

    /** {@code --mode}, as daprd's. */
    enum Mode {
        STANDALONE, KUBERNETES;

        static Mode parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "standalone" -> STANDALONE;
                case "kubernetes" -> KUBERNETES;
                default -> throw new UsageException("--mode must be standalone or kubernetes, got '" + value + "'");
            };
        }
    }

    /** Dapr's ports in Kubernetes mode, for the ports left out: gRPC API, internal, HTTP, metrics. */
    static final int K8S_GRPC_PORT = 50001;
    static final int K8S_INTERNAL_PORT = 50002;
    static final int K8S_HTTP_PORT = 3500;
    static final int K8S_METRICS_PORT = 9090;
    /** Where the internal port listens in Kubernetes mode: other pods dial it (IPv4). */
    static final String K8S_INTERNAL_ADDRESS = "0.0.0.0";

    ResolverSettings {
        warnings = List.copyOf(warnings);
    }

    /**
     * In Kubernetes mode, the ports left out (0) take Dapr's Kubernetes defaults, as the injector would pass them;
     * called before the ports are checked.
     */
    static void applyModeDefaults(RunCommand f) {
        if (Mode.parse(f.mode) == Mode.KUBERNETES) {
            f.grpcPort = f.grpcPort == 0 ? K8S_GRPC_PORT : f.grpcPort;
            f.internalPort = f.internalPort == 0 ? K8S_INTERNAL_PORT : f.internalPort;
            f.httpPort = f.httpPort == 0 ? K8S_HTTP_PORT : f.httpPort;
            f.metricsPort = f.metricsPort == 0 ? K8S_METRICS_PORT : f.metricsPort;
        }
    }

    /** The internal listener's bind address: every IPv4 interface in Kubernetes mode, else the first listen address. */
    static String internalAddress(RunCommand f, List<String> listen) {
        return Mode.parse(f.mode) == Mode.KUBERNETES ? K8S_INTERNAL_ADDRESS : listen.get(0);
    }

    /** @throws UsageException naming the flag or field that is wrong */
    static ResolverSettings from(RunCommand f, NameResolution configured) {
        Mode mode = Mode.parse(f.mode);
        List<String> warnings = new ArrayList<>();
        String component = configured == null || configured.component() == null ? null
                : configured.component().toLowerCase(Locale.ROOT);
        boolean k8s = f.resolverFile == null && (mode == Mode.KUBERNETES || "kubernetes".equals(component));
        String fallback = f.resolverFile != null ? "--resolver-file" : k8s ? "Kubernetes DNS" : "the local registry";
        boolean sqlite = f.resolverFile == null && !k8s && "sqlite".equals(component);
        if (component != null && !component.equals("kubernetes") && !component.equals("mdns")
                && !component.equals("sqlite")) {
            warnings.add("--config: spec.nameResolution.component '" + configured.component() + "' is not built; "
                    + "apps are resolved with " + fallback);
        } else if (f.resolverFile != null && component != null) {
            warnings.add("--config: spec.nameResolution is ignored: apps are resolved from --resolver-file");
        } else if (mode == Mode.KUBERNETES && ("mdns".equals(component) || "sqlite".equals(component))) {
            warnings.add("--config: spec.nameResolution.component '" + component + "' is not built for Kubernetes "
                    + "mode; apps are resolved with Kubernetes DNS");
        }
        if (!k8s) {
            for (String flag : new String[] {f.clusterDomain == null ? null : "--kubernetes-cluster-domain",
                    f.template == null ? null : "--kubernetes-template", f.dnsServer == null ? null : "--dns-server"}) {
                if (flag != null) {
                    throw new UsageException(flag + " applies to Kubernetes name resolution only (--mode kubernetes"
                            + (f.resolverFile != null ? ", without --resolver-file)" : ")"));
                }
            }
            SqliteSettings db = null;
            if (sqlite) {
                try {
                    db = SqliteSettings.from(configured);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--config: spec.nameResolution." + e.getMessage());
                }
            }
            return new ResolverSettings(mode, f.resolverFile, null, null, db, warnings);
        }
        boolean configApplies = "kubernetes".equals(component) || component == null && mode == Mode.KUBERNETES;
        KubernetesNaming naming = naming(f, configApplies ? configured : null, warnings);
        InetSocketAddress server = f.dnsServer == null ? null : dnsServer(f.dnsServer);
        return new ResolverSettings(mode, null, naming, server, null, warnings);
    }

    private static KubernetesNaming naming(RunCommand f, NameResolution configured, List<String> warnings) {
        String template = f.template;
        String templateFrom = "--kubernetes-template";
        String domain = f.clusterDomain;
        String domainFrom = "--kubernetes-cluster-domain";
        if (configured != null) {
            if (template == null && domain == null) {
                template = text(configured, "template");
                templateFrom = "--config: spec.nameResolution.configuration.template";
            }
            if (domain == null) {
                domain = text(configured, "clusterDomain");
                domainFrom = "--config: spec.nameResolution.configuration.clusterDomain";
            }
        }
        if (template != null && domain != null) {
            if (f.template != null && f.clusterDomain != null) {
                throw new UsageException("--kubernetes-template and --kubernetes-cluster-domain cannot be used together");
            }
            warnings.add(templateFrom + " is used; " + domainFrom + " is ignored (as in Dapr, the template wins)");
        }
        try {
            if (template != null) {
                return KubernetesNaming.template(template);
            }
            return KubernetesNaming.clusterDomain(domain != null ? domain : KubernetesNaming.DEFAULT_CLUSTER_DOMAIN);
        } catch (IllegalArgumentException e) {
            throw new UsageException((template != null ? templateFrom : domainFrom) + ": " + e.getMessage());
        }
    }

    private static String text(NameResolution configured, String key) {
        Object v = configured.configuration().get(key);
        if (v == null || v instanceof String s && s.isBlank()) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new UsageException("--config: spec.nameResolution.configuration." + key + " must be a string");
        }
        return s;
    }

    /** {@code ip}, {@code ip:port} or {@code [ipv6]:port}; port 53 when left out. */
    static InetSocketAddress dnsServer(String value) {
        String v = value.strip();
        String host = v;
        String port = null;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            host = end < 0 ? "" : v.substring(1, end);
            String rest = end < 0 ? "" : v.substring(end + 1);
            port = rest.startsWith(":") ? rest.substring(1) : rest.isEmpty() ? null : "";
        } else if (v.indexOf(':') == v.lastIndexOf(':') && v.indexOf(':') >= 0) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        int p = 53;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
        }
        if (ip == null || p < 1 || p > 65_535) {
            throw new UsageException("--dns-server must be an IP address with an optional port (10.96.0.10, "
                    + "127.0.0.1:5353, [fd00::a]:53), got '" + value + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), p);
        } catch (UnknownHostException e) {
            throw new UsageException("--dns-server: " + e.getMessage()); // not reachable: the length was checked
        }
    }

    /**
     * The resolver.
     *
     * @param internalPort this sidecar's internal port: the port Kubernetes DNS answers are dialled at
     */
    NameResolver newResolver(Path home, int internalPort) {
        if (resolverFile != null) {
            try {
                return ResolverFile.read(resolverFile);
            } catch (ConfigException e) {
                throw new UsageException("--resolver-file: " + e.getMessage());
            }
        }
        if (kubernetes != null) {
            if (internalPort == 0) {
                throw new UsageException("Kubernetes name resolution needs a fixed --dapr-internal-grpc-port (every "
                        + "sidecar listens on the same one); 0 picks a free port");
            }
            return new KubernetesDnsResolver(kubernetes, internalPort, dnsServer);
        }
        if (sqlite != null) {
            return new SqliteResolver(sqlite);
        }
        return new LocalRegistryResolver(new LocalRegistry(home));
    }

    /** For the start-up log. */
    String describe(int internalPort) {
        if (resolverFile != null) {
            return "static file " + resolverFile;
        }
        if (kubernetes != null) {
            return "Kubernetes DNS, " + kubernetes.describe() + " at port " + internalPort + ", asking "
                    + (dnsServer == null ? "the system's DNS servers" : NetUtil.toSocketAddressString(dnsServer));
        }
        if (sqlite != null) {
            return "Dapr's SQLite name resolution, " + sqlite.connectionString();
        }
        return "local registry";
    }
}
