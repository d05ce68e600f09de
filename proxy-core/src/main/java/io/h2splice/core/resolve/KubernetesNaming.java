package io.h2splice.core.resolve;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The DNS name an app's sidecars are looked up under in Kubernetes mode: Dapr's kubernetes name resolver.
 *
 * <ul>
 *   <li>By default {@code <app-id>-dapr.<namespace>.svc.<cluster-domain>}, the headless Service the operator (or
 *       {@code h2splice inject}) creates for each workload, at the caller's internal gRPC port. The name is looked
 *       up as absolute (search domains of {@code resolv.conf} are not tried), as it is fully qualified.</li>
 *   <li>Or a template, as Dapr's {@code nameResolution.configuration.template}, such as
 *       {@code {{.ID}}-dapr.{{.Namespace}}.internal:{{.Port}}}. The fields {@code {{.ID}}}, {@code {{.Namespace}}}
 *       and {@code {{.Port}}} are filled in; spaces inside the braces are allowed. The result is a host, optionally
 *       followed by {@code :port} (else the internal port is used); a host without a final dot is looked up as the
 *       system resolver would (search domains apply), as Go's resolver does for Dapr.</li>
 * </ul>
 * Anything else in braces ({@code {{.Data.region}}}, pipelines, functions) is refused when the template is parsed:
 * daprd passes no {@code Data} on service invocation, so such a template could not work there either.
 *
 * <p>Immutable and thread-safe.
 */
public final class KubernetesNaming {

    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    /** What a lookup is for: the host name to query and the port to dial at each address it returns. */
    public record Target(String host, int port, boolean absolute) {

        public Target {
            Objects.requireNonNull(host, "host");
        }

        /** The name as sent to the DNS server: with a final dot when absolute. */
        String query() {
            return absolute ? host + "." : host;
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private enum Field { ID, NAMESPACE, PORT }

    private final String clusterDomain;
    private final String template;
    /** The template split into literal {@link String}s and {@link Field}s; null for the default name. */
    private final List<Object> parts;

    private KubernetesNaming(String clusterDomain, String template, List<Object> parts) {
        this.clusterDomain = clusterDomain;
        this.template = template;
        this.parts = parts;
    }

    /** The default name, {@code <app-id>-dapr.<namespace>.svc.<clusterDomain>}. */
    public static KubernetesNaming clusterDomain(String clusterDomain) {
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        String d = clusterDomain.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.startsWith(".") || d.contains("..") || !isHostChars(d)) {
            throw new IllegalArgumentException("cluster domain must be a DNS name such as cluster.local, got '"
                    + clusterDomain + "'");
        }
        return new KubernetesNaming(d, null, null);
    }

    /**
     * Dapr's template form.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown field, unbalanced braces, or a result that
     *                                  is not {@code host[:port]}
     */
    public static KubernetesNaming template(String template) {
        Objects.requireNonNull(template, "template");
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            int stray = template.indexOf("}}", i);
            if (stray >= 0 && (open < 0 || stray < open)) {
                throw new IllegalArgumentException("template '" + template + "': '}}' without '{{'");
            }
            if (open < 0) {
                parts.add(template.substring(i));
                break;
            }
            if (open > i) {
                parts.add(template.substring(i, open));
            }
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("template '" + template + "': '{{' without '}}'");
            }
            parts.add(field(template, template.substring(open + 2, close).strip()));
            i = close + 2;
        }
        KubernetesNaming naming = new KubernetesNaming(null, template, List.copyOf(parts));
        naming.target("app", "namespace", 50002); // a template whose result cannot be a host fails here, at start
        return naming;
    }

    private static Field field(String template, String action) {
        return switch (action) {
            case ".ID" -> Field.ID;
            case ".Namespace" -> Field.NAMESPACE;
            case ".Port" -> Field.PORT;
            default -> throw new IllegalArgumentException("template '" + template + "': {{" + action + "}} is not "
                    + "supported; only {{.ID}}, {{.Namespace}} and {{.Port}} are (daprd passes no .Data on service "
                    + "invocation)");
        };
    }

    /**
     * @param appId     the target app id (validated by the router: no dots)
     * @param namespace the target namespace
     * @param port      this sidecar's internal gRPC port: the port every sidecar is assumed to listen on, as in Dapr
     * @throws IllegalArgumentException when a template renders something that is not {@code host[:port]}
     */
    public Target target(String appId, String namespace, int port) {
        if (parts == null) {
            return new Target(appId + "-dapr." + namespace + ".svc." + clusterDomain, port, true);
        }
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof Field f) {
                b.append(switch (f) {
                    case ID -> appId;
                    case NAMESPACE -> namespace;
                    case PORT -> Integer.toString(port);
                });
            } else {
                b.append((String) p);
            }
        }
        return parse(b.toString(), port);
    }

    private Target parse(String rendered, int defaultPort) {
        String host = rendered;
        String portText = null;
        if (rendered.startsWith("[")) { // [v6]:port
            int end = rendered.indexOf(']');
            if (end < 0) {
                throw bad(rendered, "unclosed '['");
            }
            host = rendered.substring(1, end);
            String rest = rendered.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(rendered, "expected ':port' after ']'");
                }
                portText = rest.substring(1);
            }
            if (!NetUtil.isValidIpV6Address(host)) {
                throw bad(rendered, "'" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = rendered.indexOf(':');
            if (colon >= 0) {
                if (rendered.indexOf(':', colon + 1) >= 0) {
                    throw bad(rendered, "an IPv6 address must be written [address]:port");
                }
                host = rendered.substring(0, colon);
                portText = rendered.substring(colon + 1);
            }
            String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            if (h.isEmpty() || h.startsWith(".") || h.contains("..") || !isHostChars(h)) {
                throw bad(rendered, "'" + host + "' is not a host name");
            }
        }
        int port = defaultPort;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65_535) {
                throw bad(rendered, "'" + portText + "' is not a port");
            }
        }
        boolean absolute = host.endsWith(".");
        return new Target(absolute ? host.substring(0, host.length() - 1) : host, port, absolute);
    }

    private IllegalArgumentException bad(String rendered, String why) {
        return new IllegalArgumentException("template '" + template + "' gave '" + rendered + "': " + why);
    }

    private static boolean isHostChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** For the start-up log: {@code <app-id>-dapr.<namespace>.svc.cluster.local} or the template. */
    public String describe() {
        return parts == null ? "<app-id>-dapr.<namespace>.svc." + clusterDomain : "template " + template;
    }

    @Override
    public String toString() {
        return describe();
    }
}
