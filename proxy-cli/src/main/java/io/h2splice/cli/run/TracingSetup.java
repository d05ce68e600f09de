package io.h2splice.cli.run;

import io.h2splice.core.config.Tracing;
import io.h2splice.core.trace.TraceRuntime;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code spec.tracing} plus the environment OpenTelemetry reads for a resource: {@code OTEL_SERVICE_NAME} (else the
 * app id) and {@code OTEL_RESOURCE_ATTRIBUTES} ({@code key=value,key=value}, values percent-encoded), as daprd
 * honours them. Only the edge reads the environment; proxy-core gets the values.
 */
final class TracingSetup {

    private TracingSetup() {
    }

    /** @throws IllegalArgumentException one line naming the {@code spec.tracing} field that is wrong */
    static TraceRuntime start(Tracing tracing, String appId, Map<String, String> env) {
        return TraceRuntime.start(tracing, serviceName(appId, env), resourceAttributes(env));
    }

    static String serviceName(String appId, Map<String, String> env) {
        String s = env.get("OTEL_SERVICE_NAME");
        return s == null || s.isBlank() ? appId : s.strip();
    }

    /** {@code OTEL_RESOURCE_ATTRIBUTES}; a malformed entry is skipped (as the OpenTelemetry SDK skips it). */
    static Map<String, String> resourceAttributes(Map<String, String> env) {
        String v = env.get("OTEL_RESOURCE_ATTRIBUTES");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isBlank()) {
            return out;
        }
        for (String pair : v.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = pair.substring(0, eq).strip();
            try {
                String value = URLDecoder.decode(pair.substring(eq + 1).strip().replace("+", "%2B"),
                        StandardCharsets.UTF_8);
                if (!key.isEmpty()) {
                    out.put(key, value);
                }
            } catch (IllegalArgumentException badEscape) {
                // skipped
            }
        }
        return out;
    }

    /** One line for the start log: what tracing does in this sidecar. */
    static String describe(Tracing t, TraceRuntime runtime) {
        if (!t.enabled()) {
            return "tracing off (spec.tracing.samplingRate 0)";
        }
        StringBuilder b = new StringBuilder("tracing: samplingRate ").append(t.samplingRate());
        if (!runtime.exports()) {
            return b.append(", no exporter: sampled calls get a traceparent, no span is recorded").toString();
        }
        b.append(", exporting to");
        if (t.zipkinEndpoint() != null) {
            b.append(" zipkin ").append(t.zipkinEndpoint());
        }
        if (t.otlp()) {
            b.append(" otlp/").append(t.otelProtocol()).append(' ').append(t.otelEndpoint());
        }
        if (t.stdout()) {
            b.append(" stdout");
        }
        return b.toString();
    }
}
