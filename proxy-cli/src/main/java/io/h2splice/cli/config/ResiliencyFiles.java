package io.h2splice.cli.config;

import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.config.resiliency.StatusCodes;
import io.h2splice.core.resiliency.TripExpression;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Dapr {@code Resiliency} resources ({@code apiVersion: dapr.io/v1alpha1}, {@code kind: Resiliency}) from the
 * {@code *.yaml} and {@code *.yml} files of {@code --resources-path} directories (not their subdirectories), in file
 * name order, every document of each file. Documents of other kinds are skipped, and so are resources whose
 * {@code scopes} do not name the app. Every error is one line naming the file, the line and column, and the field.
 */
public final class ResiliencyFiles extends YamlReader {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.config");
    private static final String API_VERSION = "dapr.io/v1alpha1";
    private static final String KIND = "Resiliency";

    private ResiliencyFiles(Path file, Consumer<String> debug) {
        super(file, debug);
    }

    /** Reads the resources that apply to {@code appId}, logging what is skipped or ignored at debug level. */
    public static List<Resiliency> read(List<Path> dirs, String appId) throws ConfigException {
        return read(dirs, appId, LOG::debug);
    }

    /**
     * @param debug told one line per skipped document and per field h2splice does not read
     * @throws ConfigException with one line naming the file, the position and the field
     */
    public static List<Resiliency> read(List<Path> dirs, String appId, Consumer<String> debug)
            throws ConfigException {
        List<Resiliency> out = new ArrayList<>();
        for (Path dir : dirs) {
            for (Path file : yamlFiles(dir)) {
                ResiliencyFiles reader = new ResiliencyFiles(file, debug);
                for (Node doc : documents(file)) {
                    Resiliency r = reader.document(doc);
                    if (r == null) {
                        continue;
                    }
                    if (!r.appliesTo(appId)) {
                        debug.accept(reader.at(doc) + "Resiliency '" + r.name() + "' is scoped to " + r.scopes()
                                + ", not to '" + appId + "', skipped");
                        continue;
                    }
                    out.add(r);
                }
            }
        }
        return List.copyOf(out);
    }

    private static List<Path> yamlFiles(Path dir) throws ConfigException {
        if (!Files.isDirectory(dir)) {
            throw ConfigException.of(dir, "not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".yaml") || n.endsWith(".yml");
            }).sorted().toList();
        } catch (IOException e) {
            throw ConfigException.of(dir, "cannot list: " + e.getMessage());
        }
    }

    private String at(Node n) {
        return file + ":" + n.where.getLineNr() + ":" + n.where.getColumnNr() + ": ";
    }

    // ---- the document

    /** The resource, or null when the document is not a Resiliency. */
    private Resiliency document(Node root) throws ConfigException {
        if (!(root.value instanceof Map)) {
            if (root.value != null) {
                ignored.accept(at(root) + "not a Dapr resource, skipped");
            }
            return null;
        }
        Map<String, Field> doc = mapping(root, "", "a mapping");
        Field kind = doc.get("kind");
        String k = kind == null ? "" : text(kind.value, "kind");
        if (!KIND.equals(k)) {
            ignored.accept(at(root) + (k.isEmpty() ? "no kind" : "kind " + k) + ", not a Resiliency, skipped");
            return null;
        }
        Field api = doc.get("apiVersion");
        if (api == null || !API_VERSION.equals(text(api.value, "apiVersion"))) {
            throw error(api == null ? root : api.value, api == null ? "" : "apiVersion",
                    "expected 'apiVersion: " + API_VERSION + "'" + (api == null ? ", found no apiVersion" : ""));
        }
        ignoreOthers(doc, "", "apiVersion", "kind", "metadata", "scopes", "spec");
        String name = "";
        if (present(doc, "metadata")) {
            Map<String, Field> meta = mapping(doc.get("metadata").value, "metadata", "a mapping");
            name = optText(meta, "metadata", "name");
        }
        List<String> scopes = new ArrayList<>();
        if (present(doc, "scopes")) {
            List<Node> items = list(doc.get("scopes").value, "scopes");
            for (int i = 0; i < items.size(); i++) {
                String s = text(items.get(i), "scopes[" + i + "]");
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
        Map<String, Duration> timeouts = new LinkedHashMap<>();
        Map<String, RetryPolicy> retries = new LinkedHashMap<>();
        Map<String, CircuitBreakerPolicy> breakers = new LinkedHashMap<>();
        Map<String, AppTarget> apps = new LinkedHashMap<>();
        if (present(doc, "spec")) {
            Map<String, Field> spec = mapping(doc.get("spec").value, "spec", "a mapping with policies and targets");
            ignoreOthers(spec, "spec", "policies", "targets");
            if (present(spec, "policies")) {
                policies(spec.get("policies").value, timeouts, retries, breakers);
            }
            if (present(spec, "targets")) {
                targets(spec.get("targets").value, apps, timeouts, retries, breakers);
            }
        }
        String n = name == null ? "" : name;
        return construct(root, "", () -> new Resiliency(n, scopes, timeouts, retries, breakers, apps));
    }

    private void policies(Node node, Map<String, Duration> timeouts, Map<String, RetryPolicy> retries,
            Map<String, CircuitBreakerPolicy> breakers) throws ConfigException {
        String path = "spec.policies";
        Map<String, Field> m = mapping(node, path, "a mapping with timeouts, retries, circuitBreakers");
        ignoreOthers(m, path, "timeouts", "retries", "circuitBreakers");
        for (Map.Entry<String, Field> e : entries(m, "timeouts", path)) {
            String p = path + ".timeouts." + e.getKey();
            timeouts.put(e.getKey(), notNegative(e.getValue().value, p));
        }
        for (Map.Entry<String, Field> e : entries(m, "retries", path)) {
            retries.put(e.getKey(), retry(e.getValue().value, path + ".retries." + e.getKey()));
        }
        for (Map.Entry<String, Field> e : entries(m, "circuitBreakers", path)) {
            breakers.put(e.getKey(), breaker(e.getValue().value, path + ".circuitBreakers." + e.getKey()));
        }
    }

    private RetryPolicy retry(Node node, String path) throws ConfigException {
        Map<String, Field> m = mapping(node, path, "a mapping with policy, duration, maxInterval, maxRetries");
        ignoreOthers(m, path, "policy", "duration", "maxInterval", "maxRetries", "matching");
        RetryPolicy.Kind kind = RetryPolicy.Kind.CONSTANT;
        String policy = optText(m, path, "policy");
        if (policy != null) {
            kind = switch (policy.toLowerCase(Locale.ROOT)) {
                case "constant" -> RetryPolicy.Kind.CONSTANT;
                case "exponential" -> RetryPolicy.Kind.EXPONENTIAL;
                default -> throw error(m.get("policy").value, path + ".policy",
                        "expected constant or exponential, got '" + policy + "'");
            };
        }
        Duration duration = present(m, "duration") ? notNegative(m.get("duration").value, path + ".duration")
                : RetryPolicy.DEFAULT_DURATION;
        Duration maxInterval = present(m, "maxInterval")
                ? notNegative(m.get("maxInterval").value, path + ".maxInterval") : RetryPolicy.DEFAULT_MAX_INTERVAL;
        int maxRetries = present(m, "maxRetries")
                ? Math.max(RetryPolicy.FOREVER, whole(m.get("maxRetries").value, path + ".maxRetries"))
                : RetryPolicy.FOREVER;
        var grpc = Set.<Integer>of();
        var http = Set.<Integer>of();
        if (present(m, "matching")) {
            String mp = path + ".matching";
            Map<String, Field> match = mapping(m.get("matching").value, mp, "a mapping with gRPCStatusCodes");
            ignoreOthers(match, mp, "gRPCStatusCodes", "httpStatusCodes");
            grpc = codes(match, mp, "gRPCStatusCodes", StatusCodes.GRPC_MIN, StatusCodes.GRPC_MAX, "gRPC");
            http = codes(match, mp, "httpStatusCodes", StatusCodes.HTTP_MIN, StatusCodes.HTTP_MAX, "HTTP");
        }
        RetryPolicy.Kind k = kind;
        var g = grpc;
        var h = http;
        return construct(node, path, () -> new RetryPolicy(k, duration, RetryPolicy.DEFAULT_INITIAL_INTERVAL,
                RetryPolicy.DEFAULT_RANDOMIZATION_FACTOR, RetryPolicy.DEFAULT_MULTIPLIER, maxInterval,
                RetryPolicy.DEFAULT_MAX_ELAPSED_TIME, maxRetries, g, h));
    }

    private Set<Integer> codes(Map<String, Field> m, String path, String name, int min, int max,
            String kind) throws ConfigException {
        if (!present(m, name)) {
            return Set.of();
        }
        Node v = m.get(name).value;
        try {
            return StatusCodes.parse(text(v, path + "." + name), min, max, kind);
        } catch (IllegalArgumentException e) {
            throw error(v, path + "." + name, e.getMessage());
        }
    }

    private CircuitBreakerPolicy breaker(Node node, String path) throws ConfigException {
        Map<String, Field> m = mapping(node, path, "a mapping with maxRequests, interval, timeout, trip");
        ignoreOthers(m, path, "maxRequests", "interval", "timeout", "trip");
        int maxRequests = CircuitBreakerPolicy.DEFAULT_MAX_REQUESTS;
        if (present(m, "maxRequests")) {
            Node v = m.get("maxRequests").value;
            maxRequests = whole(v, path + ".maxRequests");
            if (maxRequests < 0) {
                throw error(v, path + ".maxRequests", "must not be negative, got " + maxRequests);
            }
            maxRequests = Math.max(maxRequests, CircuitBreakerPolicy.DEFAULT_MAX_REQUESTS); // gobreaker: 0 → 1
        }
        Duration interval = present(m, "interval") ? notNegative(m.get("interval").value, path + ".interval")
                : CircuitBreakerPolicy.DEFAULT_INTERVAL;
        Duration timeout = present(m, "timeout") ? notNegative(m.get("timeout").value, path + ".timeout")
                : CircuitBreakerPolicy.DEFAULT_TIMEOUT;
        Duration to = timeout.isZero() ? CircuitBreakerPolicy.DEFAULT_TIMEOUT : timeout; // gobreaker: 0 → 60 s
        String trip = optText(m, path, "trip");
        String t = trip == null ? CircuitBreakerPolicy.DEFAULT_TRIP : trip;
        if (trip != null) { // parsed once here, so a bad expression fails the load, naming the file and the policy
            try {
                TripExpression.parse(trip);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage().startsWith("trip: ") ? e.getMessage().substring(6) : e.getMessage();
                throw error(m.get("trip").value, path + ".trip", why);
            }
        }
        int mr = maxRequests;
        return construct(node, path, () -> new CircuitBreakerPolicy(mr, interval, to, t));
    }

    private void targets(Node node, Map<String, AppTarget> apps, Map<String, Duration> timeouts,
            Map<String, RetryPolicy> retries, Map<String, CircuitBreakerPolicy> breakers) throws ConfigException {
        String path = "spec.targets";
        Map<String, Field> m = mapping(node, path, "a mapping with apps");
        ignoreOthers(m, path, "apps", "actors", "components");
        for (String other : List.of("actors", "components")) {
            if (present(m, other)) {
                mapping(m.get(other).value, path + "." + other, "a mapping");
                ignored.accept(at(m.get(other).value) + path + "." + other
                        + ": h2splice proxies service invocation only, ignored");
            }
        }
        for (Map.Entry<String, Field> e : entries(m, "apps", path)) {
            String ap = path + ".apps." + e.getKey();
            Map<String, Field> t = mapping(e.getValue().value, ap, "a mapping with timeout, retry, circuitBreaker");
            ignoreOthers(t, ap, "timeout", "retry", "circuitBreaker", "circuitBreakerCacheSize");
            String timeout = reference(t, ap, "timeout", timeouts, "timeouts");
            String retry = reference(t, ap, "retry", retries, "retries");
            String cb = reference(t, ap, "circuitBreaker", breakers, "circuitBreakers");
            int cache = AppTarget.DEFAULT_CIRCUIT_BREAKER_CACHE_SIZE;
            if (present(t, "circuitBreakerCacheSize")) {
                Node v = t.get("circuitBreakerCacheSize").value;
                cache = whole(v, ap + ".circuitBreakerCacheSize");
                if (cache < 0) {
                    throw error(v, ap + ".circuitBreakerCacheSize", "must not be negative, got " + cache);
                }
                cache = cache == 0 ? AppTarget.DEFAULT_CIRCUIT_BREAKER_CACHE_SIZE : cache;
            }
            int c = cache;
            apps.put(e.getKey(), construct(e.getValue().value, ap, () -> new AppTarget(timeout, retry, cb, c)));
        }
    }

    /** A policy name a target refers to, which must be defined under {@code spec.policies.<section>}. */
    private String reference(Map<String, Field> t, String path, String name, Map<String, ?> defined,
            String section) throws ConfigException {
        String v = optText(t, path, name);
        if (v != null && !defined.containsKey(v)) {
            throw error(t.get(name).value, path + "." + name, "policy '" + v + "' is not defined in spec.policies."
                    + section);
        }
        return v;
    }

    // ---- values

    private List<Map.Entry<String, Field>> entries(Map<String, Field> m, String name, String path)
            throws ConfigException {
        if (!present(m, name)) {
            return List.of();
        }
        return List.copyOf(mapping(m.get(name).value, path + "." + name, "a mapping of names").entrySet());
    }

    private Duration notNegative(Node v, String path) throws ConfigException {
        Duration d = duration(v, path);
        if (d.isNegative()) {
            throw error(v, path, "must not be negative, got '" + text(v, path) + "'");
        }
        return d;
    }

    private int whole(Node v, String path) throws ConfigException {
        if (v.value instanceof Integer || v.value instanceof Long || v.value instanceof BigInteger) {
            long n = ((Number) v.value).longValue();
            if (n == (int) n && !(v.value instanceof BigInteger)) {
                return (int) n;
            }
            throw error(v, path, "out of range: " + v.value);
        }
        String s = text(v, path);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw error(v, path, "expected a whole number, got '" + s + "'");
        }
    }
}
