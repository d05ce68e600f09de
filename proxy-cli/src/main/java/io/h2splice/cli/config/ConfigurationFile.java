package io.h2splice.cli.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.DaprConfiguration;
import io.h2splice.core.config.Mtls;
import io.h2splice.core.config.NameResolution;
import io.h2splice.core.config.Operation;
import io.h2splice.core.config.Tracing;
import io.h2splice.core.metrics.LatencyBuckets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code --config}: a Dapr {@code Configuration} ({@code apiVersion: dapr.io/v1alpha1}, {@code kind:
 * Configuration}). Reads {@code spec.accessControl}, {@code spec.tracing}, {@code spec.mtls},
 * {@code spec.nameResolution} and {@code spec.metric(s).enabled}; other fields are ignored with one debug line each.
 * Every error is one line naming the file, the line and column, and the field path.
 */
public final class ConfigurationFile extends YamlReader {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.config");
    private static final String API_VERSION = "dapr.io/v1alpha1";
    private static final String KIND = "Configuration";

    private ConfigurationFile(Path file, Consumer<String> ignored) {
        super(file, ignored);
    }

    /** Reads the file, logging each ignored field at debug level. */
    public static DaprConfiguration read(Path file) throws ConfigException {
        return read(file, LOG::debug);
    }

    /**
     * @param ignored told one line per field h2splice does not read (for a debug log line)
     * @throws ConfigException with one line naming the file, the position and the field
     */
    public static DaprConfiguration read(Path file, Consumer<String> ignored) throws ConfigException {
        Node root;
        try (JsonParser p = YAML.createParser(file.toFile())) {
            if (p.nextToken() == null) {
                throw ConfigException.of(file, "the file is empty; expected a Dapr Configuration");
            }
            root = tree(p);
        } catch (JsonProcessingException e) {
            throw ResolverFile.invalidYaml(file, e);
        } catch (IOException e) {
            throw ConfigException.of(file, "cannot read: " + e.getMessage());
        }
        return new ConfigurationFile(file, ignored).document(root);
    }

    // ---- the document

    private DaprConfiguration document(Node root) throws ConfigException {
        Map<String, Field> doc = mapping(root, "", "a Dapr Configuration (apiVersion, kind, spec)");
        Field kind = doc.get("kind");
        if (kind == null || !KIND.equals(text(kind.value, "kind"))) {
            throw error(kind == null ? root : kind.value, kind == null ? "" : "kind",
                    "expected 'kind: Configuration'" + (kind == null ? ", found no kind" : ""));
        }
        Field api = doc.get("apiVersion");
        if (api == null || !API_VERSION.equals(text(api.value, "apiVersion"))) {
            throw error(api == null ? root : api.value, api == null ? "" : "apiVersion",
                    "expected 'apiVersion: " + API_VERSION + "'" + (api == null ? ", found no apiVersion" : ""));
        }
        ignoreOthers(doc, "", "apiVersion", "kind", "metadata", "spec");
        Field specField = doc.get("spec");
        if (specField == null || specField.value.value == null) {
            return DaprConfiguration.defaults();
        }
        Map<String, Field> spec = mapping(specField.value, "spec", "a mapping");
        ignoreOthers(spec, "spec", "accessControl", "tracing", "mtls", "nameResolution", "metric", "metrics");
        AccessControl acl = present(spec, "accessControl") ? accessControl(spec.get("accessControl").value) : null;
        Tracing tracing = present(spec, "tracing") ? tracing(spec.get("tracing").value) : Tracing.defaults();
        Mtls mtls = present(spec, "mtls") ? mtls(spec.get("mtls").value) : Mtls.defaults();
        NameResolution nr = present(spec, "nameResolution") ? nameResolution(spec.get("nameResolution").value) : null;
        boolean metrics = true;
        LatencyBuckets buckets = LatencyBuckets.DAPR;
        for (String name : List.of("metric", "metrics")) {
            if (present(spec, name)) {
                String path = "spec." + name;
                Map<String, Field> m = mapping(spec.get(name).value, path, "a mapping");
                ignoreOthers(m, path, "enabled", "latencyDistributionBuckets");
                if (m.containsKey("enabled")) {
                    metrics = bool(m.get("enabled").value, path + ".enabled", true);
                }
                if (present(m, "latencyDistributionBuckets")) {
                    buckets = buckets(m.get("latencyDistributionBuckets").value, path + ".latencyDistributionBuckets");
                }
            }
        }
        return new DaprConfiguration(acl, tracing, mtls, nr, metrics, buckets);
    }

    /** A list of positive, increasing numbers of milliseconds, as Dapr's {@code latencyDistributionBuckets}. */
    private LatencyBuckets buckets(Node node, String path) throws ConfigException {
        List<Node> items = list(node, path);
        List<Double> bounds = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node v = items.get(i);
            if (!(v.value instanceof Number n)) {
                throw error(v, path + "[" + i + "]", "expected a number of milliseconds, got '" + v.value + "'");
            }
            bounds.add(n.doubleValue());
        }
        return construct(node, path, () -> LatencyBuckets.of(bounds));
    }

    private AccessControl accessControl(Node node) throws ConfigException {
        String path = "spec.accessControl";
        Map<String, Field> m = mapping(node, path, "a mapping");
        ignoreOthers(m, path, "defaultAction", "trustDomain", "policies");
        String defaultAction = action(m, path, "defaultAction");
        String trustDomain = optText(m, path, "trustDomain");
        List<AccessPolicy> policies = new ArrayList<>();
        if (present(m, "policies")) {
            List<Node> items = list(m.get("policies").value, path + ".policies");
            for (int i = 0; i < items.size(); i++) {
                policies.add(policy(items.get(i), path + ".policies[" + i + "]"));
            }
        }
        return construct(node, path, () -> new AccessControl(defaultAction, trustDomain, policies));
    }

    private AccessPolicy policy(Node node, String path) throws ConfigException {
        Map<String, Field> m = mapping(node, path, "a mapping with appId, trustDomain, namespace");
        ignoreOthers(m, path, "appId", "defaultAction", "trustDomain", "namespace", "operations");
        String appId = required(m, node, path, "appId");
        String defaultAction = action(m, path, "defaultAction");
        String trustDomain = required(m, node, path, "trustDomain");
        String namespace = required(m, node, path, "namespace");
        List<Operation> operations = new ArrayList<>();
        if (present(m, "operations")) {
            List<Node> items = list(m.get("operations").value, path + ".operations");
            for (int i = 0; i < items.size(); i++) {
                operations.add(operation(items.get(i), path + ".operations[" + i + "]"));
            }
        }
        return construct(node, path, () -> new AccessPolicy(appId, defaultAction, trustDomain, namespace, operations));
    }

    private Operation operation(Node node, String path) throws ConfigException {
        Map<String, Field> m = mapping(node, path, "a mapping with name, httpVerb, action");
        ignoreOthers(m, path, "name", "httpVerb", "action");
        String name = required(m, node, path, "name");
        String action = action(m, path, "action");
        if (action == null) {
            throw error(node, path, "action is required (allow or deny)");
        }
        List<String> verbs = new ArrayList<>();
        if (present(m, "httpVerb")) {
            String vp = path + ".httpVerb";
            List<Node> items = list(m.get("httpVerb").value, vp);
            for (int i = 0; i < items.size(); i++) {
                verbs.add(text(items.get(i), vp + "[" + i + "]"));
            }
        }
        return construct(node, path, () -> new Operation(name, verbs, action));
    }

    private Tracing tracing(Node node) throws ConfigException {
        String path = "spec.tracing";
        Map<String, Field> m = mapping(node, path, "a mapping");
        ignoreOthers(m, path, "samplingRate", "stdout", "zipkin", "otel");
        double rate = Tracing.DEFAULT_SAMPLING_RATE;
        if (present(m, "samplingRate")) {
            Node v = m.get("samplingRate").value;
            String s = text(v, path + ".samplingRate");
            if (!s.isEmpty()) {
                try {
                    rate = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    rate = Double.NaN;
                }
                if (!Double.isFinite(rate) || rate < 0) {
                    throw error(v, path + ".samplingRate", "expected a number of at least 0 (such as \"1\" or "
                            + "\"0.01\"; \"0\" turns tracing off), got '" + s + "'");
                }
            }
        }
        boolean stdout = present(m, "stdout") && bool(m.get("stdout").value, path + ".stdout", false);
        String zipkin = null;
        if (present(m, "zipkin")) {
            String zp = path + ".zipkin";
            Map<String, Field> z = mapping(m.get("zipkin").value, zp, "a mapping");
            ignoreOthers(z, zp, "endpointAddress");
            zipkin = optText(z, zp, "endpointAddress");
            String problem = Tracing.zipkinEndpointProblem(zipkin);
            if (problem != null) {
                throw error(z.get("endpointAddress").value, zp + ".endpointAddress", problem);
            }
        }
        String otelEndpoint = null;
        String otelProtocol = null;
        boolean secure = true;
        Map<String, String> headers = Map.of();
        Duration timeout = Tracing.DEFAULT_TIMEOUT;
        if (present(m, "otel")) {
            String op = path + ".otel";
            Map<String, Field> o = mapping(m.get("otel").value, op, "a mapping");
            ignoreOthers(o, op, "endpointAddress", "protocol", "isSecure", "headers", "timeout");
            otelEndpoint = optText(o, op, "endpointAddress");
            String problem = Tracing.otelEndpointProblem(otelEndpoint);
            if (problem != null) {
                throw error(o.get("endpointAddress").value, op + ".endpointAddress", problem);
            }
            otelProtocol = optText(o, op, "protocol");
            if (otelProtocol != null) {
                String lower = otelProtocol.toLowerCase(Locale.ROOT);
                if (!lower.equals("grpc") && !lower.equals("http")) {
                    throw error(o.get("protocol").value, op + ".protocol", "expected grpc or http, got '"
                            + otelProtocol + "'");
                }
                otelProtocol = lower;
            }
            if (present(o, "isSecure")) {
                secure = bool(o.get("isSecure").value, op + ".isSecure", true);
            }
            if (present(o, "headers")) {
                headers = otelHeaders(o.get("headers").value, op + ".headers");
            }
            if (present(o, "timeout")) {
                Node v = o.get("timeout").value;
                timeout = duration(v, op + ".timeout");
                if (timeout.isZero() || timeout.isNegative()) {
                    throw error(v, op + ".timeout", "must be longer than 0");
                }
            }
        }
        double r = rate;
        String zp = zipkin;
        String oe = otelEndpoint;
        String opr = otelProtocol;
        boolean sec = secure;
        Map<String, String> hs = headers;
        Duration to = timeout;
        return construct(node, path, () -> new Tracing(r, zp, oe, opr, sec, hs, to, stdout));
    }

    /**
     * {@code otel.headers}: a list of {@code {name, value}} (Dapr's NameValuePair) or of {@code "name=value"}
     * strings, or a mapping of names to values.
     */
    private Map<String, String> otelHeaders(Node node, String path) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.value instanceof Map) {
            for (Map.Entry<String, Field> e : mapping(node, path, "a mapping").entrySet()) {
                out.put(headerName(e.getValue().value, path, e.getKey()), text(e.getValue().value,
                        path + "." + e.getKey()));
            }
            return out;
        }
        List<Node> items = list(node, path);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String ip = path + "[" + i + "]";
            String name;
            String value;
            if (item.value instanceof Map) {
                Map<String, Field> nv = mapping(item, ip, "a mapping with name and value");
                ignoreOthers(nv, ip, "name", "value");
                name = required(nv, item, ip, "name");
                value = present(nv, "value") ? text(nv.get("value").value, ip + ".value") : "";
            } else {
                String s = text(item, ip);
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw error(item, ip, "expected name=value, got '" + s + "'");
                }
                name = s.substring(0, eq).strip();
                value = s.substring(eq + 1).strip();
            }
            out.put(headerName(item, ip, name), value);
        }
        return out;
    }

    private String headerName(Node at, String path, String name) throws ConfigException {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
            throw error(at, path, "not a header name: '" + name + "'");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private Mtls mtls(Node node) throws ConfigException {
        String path = "spec.mtls";
        Map<String, Field> m = mapping(node, path, "a mapping");
        ignoreOthers(m, path, "enabled", "workloadCertTTL", "allowedClockSkew");
        boolean enabled = present(m, "enabled") ? bool(m.get("enabled").value, path + ".enabled", true) : true;
        Duration ttl = present(m, "workloadCertTTL")
                ? duration(m.get("workloadCertTTL").value, path + ".workloadCertTTL") : Mtls.DEFAULT_TTL;
        if (ttl.isZero() || ttl.isNegative()) {
            throw error(m.get("workloadCertTTL").value, path + ".workloadCertTTL", "must be longer than 0");
        }
        Duration skew = present(m, "allowedClockSkew")
                ? duration(m.get("allowedClockSkew").value, path + ".allowedClockSkew") : Mtls.DEFAULT_CLOCK_SKEW;
        if (skew.isNegative()) {
            throw error(m.get("allowedClockSkew").value, path + ".allowedClockSkew", "must not be negative");
        }
        return construct(node, path, () -> new Mtls(enabled, ttl, skew));
    }

    private NameResolution nameResolution(Node node) throws ConfigException {
        String path = "spec.nameResolution";
        Map<String, Field> m = mapping(node, path, "a mapping");
        ignoreOthers(m, path, "component", "version", "configuration");
        String component = optText(m, path, "component");
        String version = optText(m, path, "version");
        Map<String, Object> configuration = null;
        if (present(m, "configuration")) {
            Node c = m.get("configuration").value;
            mapping(c, path + ".configuration", "a mapping");
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = (Map<String, Object>) plain(c);
            configuration = plain;
        }
        Map<String, Object> cfg = configuration;
        return construct(node, path, () -> new NameResolution(component, version, cfg));
    }

    private String action(Map<String, Field> m, String path, String name) throws ConfigException {
        String v = optText(m, path, name);
        if (v == null) {
            return null;
        }
        String a = v.toLowerCase(Locale.ROOT);
        if (!a.equals("allow") && !a.equals("deny")) {
            throw error(m.get(name).value, path + "." + name, "expected allow or deny, got '" + v + "'");
        }
        return a;
    }
}
