package io.h2splice.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code --config}: a Dapr {@code Configuration} ({@code apiVersion: dapr.io/v1alpha1}, {@code kind:
 * Configuration}). Reads {@code spec.accessControl}, {@code spec.tracing}, {@code spec.mtls},
 * {@code spec.nameResolution} and {@code spec.metric(s).enabled}; other fields are ignored with one debug line each.
 * Every error is one line naming the file, the line and column, and the field path.
 */
public final class ConfigurationFile {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.config");
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final String API_VERSION = "dapr.io/v1alpha1";
    private static final String KIND = "Configuration";
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private final Path file;
    private final Consumer<String> ignored;

    private ConfigurationFile(Path file, Consumer<String> ignored) {
        this.file = file;
        this.ignored = ignored;
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

    // ---- fields and values

    private static boolean present(Map<String, Field> m, String name) {
        Field f = m.get(name);
        return f != null && f.value.value != null;
    }

    private String required(Map<String, Field> m, Node owner, String path, String name) throws ConfigException {
        String v = optText(m, path, name);
        if (v == null) {
            throw error(owner, path, name + " is required");
        }
        return v;
    }

    private String optText(Map<String, Field> m, String path, String name) throws ConfigException {
        if (!present(m, name)) {
            return null;
        }
        String v = text(m.get(name).value, path + "." + name);
        return v.isEmpty() ? null : v;
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

    private boolean bool(Node v, String path, boolean dflt) throws ConfigException {
        if (v.value == null) {
            return dflt;
        }
        if (v.value instanceof Boolean b) {
            return b;
        }
        String s = text(v, path).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(v, path, "expected true or false, got '" + s + "'");
        };
    }

    private Duration duration(Node v, String path) throws ConfigException {
        String s = text(v, path);
        try {
            return goDuration(s);
        } catch (IllegalArgumentException e) {
            throw error(v, path, e.getMessage());
        }
    }

    /** Go's {@code time.ParseDuration}: {@code 24h}, {@code 15m}, {@code 1h30m}, {@code 1.5s}, {@code 300ms}, {@code 0}. */
    static Duration goDuration(String s) {
        String bad = "expected a duration such as 24h, 15m, 90s or 1h30m, got '" + s + "'";
        String t = s.strip();
        boolean negative = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            negative = t.startsWith("-");
            t = t.substring(1);
        }
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException(bad);
        }
        Matcher m = DURATION_PART.matcher(t);
        int at = 0;
        java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(bad);
            }
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(unit)));
            at = m.end();
        }
        try {
            long n = nanos.longValueExact();
            return Duration.ofNanos(negative ? -n : n);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range: '" + s + "'");
        }
    }

    private String text(Node v, String path) throws ConfigException {
        if (v.value instanceof Map || v.value instanceof List) {
            throw error(v, path, "expected a single value, not a " + (v.value instanceof List ? "list" : "mapping"));
        }
        return v.value == null ? "" : v.value.toString().strip();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Field> mapping(Node v, String path, String expected) throws ConfigException {
        if (!(v.value instanceof Map)) {
            throw error(v, path, "expected " + expected);
        }
        return (Map<String, Field>) v.value;
    }

    @SuppressWarnings("unchecked")
    private List<Node> list(Node v, String path) throws ConfigException {
        if (!(v.value instanceof List)) {
            throw error(v, path, "expected a list");
        }
        return (List<Node>) v.value;
    }

    private void ignoreOthers(Map<String, Field> m, String path, String... known) {
        List<String> k = List.of(known);
        for (Map.Entry<String, Field> e : m.entrySet()) {
            if (!k.contains(e.getKey())) {
                JsonLocation at = e.getValue().key;
                ignored.accept(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": "
                        + (path.isEmpty() ? "" : path + ".") + e.getKey() + ": not read by h2splice, ignored");
            }
        }
    }

    private <T> T construct(Node at, String path, Ctor<T> ctor) throws ConfigException {
        try {
            return ctor.make();
        } catch (IllegalArgumentException e) {
            throw error(at, path, e.getMessage());
        }
    }

    private ConfigException error(Node at, String path, String problem) {
        return ConfigException.at(file, at.where, path, problem);
    }

    private interface Ctor<T> {
        T make();
    }

    // ---- a YAML tree that remembers where each value is

    private record Node(Object value, JsonLocation where) {
    }

    private record Field(JsonLocation key, Node value) {
    }

    private static Node tree(JsonParser p) throws IOException {
        JsonLocation where = p.currentTokenLocation();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Field> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonLocation key = p.currentTokenLocation();
                p.nextToken();
                m.put(name, new Field(key, tree(p)));
            }
            return new Node(m, where);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(tree(p));
            }
            return new Node(l, where);
        }
        return new Node(switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            default -> p.getText();
        }, where);
    }

    @SuppressWarnings("unchecked")
    private static Object plain(Node n) {
        if (n.value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Field>) m).forEach((k, f) -> out.put(k, plain(f.value)));
            return out;
        }
        if (n.value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(plain((Node) o));
            }
            return out;
        }
        return n.value;
    }
}
