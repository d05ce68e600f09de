package io.h2splice.cli.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code dapr.io/*} annotation values with Dapr's defaults, collecting one line per bad value instead of
 * stopping at the first, so an admission response can list them all. Not thread-safe: one per pod.
 */
final class AnnotationReader {

    static final String PREFIX = "dapr.io/";

    /** A Kubernetes quantity: a decimal number with a binary or decimal suffix or an exponent. */
    private static final Pattern QUANTITY =
            Pattern.compile("\\+?(\\d+(\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    /** Dapr's {@code utils.IsTruthy}. */
    private static final Set<String> TRUTHY = Set.of("y", "yes", "true", "on", "1");

    private final Map<String, String> annotations;
    private final List<String> problems = new ArrayList<>();

    AnnotationReader(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    /** The trimmed value of {@code dapr.io/<name>}, or null when absent or blank. */
    String text(String name) {
        String v = annotations.get(PREFIX + name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    String text(String name, String dflt) {
        String v = text(name);
        return v == null ? dflt : v;
    }

    /** Dapr's truthiness: y, yes, true, on, 1 (any case) are true, anything else false. */
    boolean bool(String name, boolean dflt) {
        String v = text(name);
        return v == null ? dflt : TRUTHY.contains(v.toLowerCase(Locale.ROOT));
    }

    /** As {@link #bool} but null when absent, for flags passed only when given. */
    Boolean optBool(String name) {
        return text(name) == null ? null : bool(name, false);
    }

    Integer port(String name, Integer dflt) {
        return integer(name, dflt, 1, 65535, "a port in 1..65535");
    }

    Integer integer(String name, Integer dflt, int min, int max, String what) {
        String v = text(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(name, v, "must be " + what);
        return dflt;
    }

    String quantity(String name) {
        String v = text(name);
        if (v != null && !QUANTITY.matcher(v).matches()) {
            problem(name, v, "must be a quantity such as 100m, 64Mi or 1");
            return null;
        }
        return v;
    }

    String oneOf(String name, String dflt, Set<String> allowed) {
        String v = text(name);
        if (v == null) {
            return dflt;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            problem(name, v, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
            return dflt;
        }
        return lower;
    }

    /** An absolute path in a container (a volume's mount path): starts with '/', no '..' and no ':'. */
    String absolutePath(String name) {
        String v = text(name);
        if (v != null && (!v.startsWith("/") || v.contains(":")
                || java.util.Arrays.asList(v.split("/")).contains(".."))) {
            problem(name, v, "must be an absolute path (starting with '/', without '..' or ':')");
            return null;
        }
        return v;
    }

    /** An object name (Secret, ConfigMap): a DNS-1123 subdomain. */
    String objectName(String name) {
        String v = text(name);
        if (v != null && (v.length() > 253 || !DNS_SUBDOMAIN.matcher(v).matches())) {
            problem(name, v, "must be a Kubernetes object name (lower-case DNS-1123 subdomain)");
            return null;
        }
        return v;
    }

    /** The app id: {@code <id>-dapr} must be a DNS-1123 label, as Dapr checks, so at most 58 characters. */
    String appId(String fallback) {
        String v = text("app-id", fallback);
        if (v == null) {
            problems.add(PREFIX + "app-id is not set and the pod has no name to use instead");
            return null;
        }
        String service = v + "-dapr";
        if (service.length() > 63 || !DNS_LABEL.matcher(service).matches()) {
            problem("app-id", v, "must make '<app-id>-dapr' a DNS-1123 label (lower-case letters, digits and '-', "
                    + "at most 58 characters)");
            return null;
        }
        return v;
    }

    /** {@code K=V,K2=V2} as Dapr splits {@code dapr.io/env}: on commas, then on the first '='. */
    Map<String, String> env(String name) {
        String v = text(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = (eq < 0 ? part : part.substring(0, eq)).strip();
            if (eq < 0 || !ENV_NAME.matcher(key).matches()) {
                problem(name, v, "must be a comma-separated list of NAME=value");
                return Map.of();
            }
            out.put(key, part.substring(eq + 1).strip());
        }
        return out;
    }

    Probe probe(String kind, Probe dflt) {
        String p = "sidecar-" + kind + "-probe-";
        Integer delay = integer(p + "delay-seconds", dflt.delaySeconds(), 0, 86400, "seconds in 0..86400");
        Integer timeout = integer(p + "timeout-seconds", dflt.timeoutSeconds(), 1, 86400, "seconds in 1..86400");
        Integer period = integer(p + "period-seconds", dflt.periodSeconds(), 1, 86400, "seconds in 1..86400");
        Integer threshold = integer(p + "threshold", dflt.failureThreshold(), 1, 1000, "a count in 1..1000");
        return new Probe(delay, timeout, period, threshold);
    }

    void problem(String name, String value, String rule) {
        problems.add(PREFIX + name + ": '" + value + "' " + rule);
    }

    List<String> problems() {
        return problems;
    }
}
