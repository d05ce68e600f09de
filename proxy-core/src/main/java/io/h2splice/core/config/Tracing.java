package io.h2splice.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code spec.tracing}.
 *
 * @param samplingRate   0 turns tracing off; 1 samples everything (above 1 too); Dapr's default 0.0001
 * @param zipkinEndpoint {@code zipkin.endpointAddress} (an http or https URL, such as
 *                       {@code http://localhost:9411/api/v2/spans}), or null
 * @param otelEndpoint   {@code otel.endpointAddress}: {@code host:port} as in Dapr (or a full http/https URL), or null
 * @param otelProtocol   {@code otel.protocol} ({@code grpc} or {@code http}), or null
 * @param otelIsSecure   {@code otel.isSecure}; default true
 * @param otelHeaders    {@code otel.headers}: sent with every OTLP export; never null
 * @param otelTimeout    {@code otel.timeout}: the longest one export may take (Zipkin's too); default 10 s
 * @param stdout         {@code stdout}: also log every span
 */
public record Tracing(double samplingRate, String zipkinEndpoint, String otelEndpoint, String otelProtocol,
                      boolean otelIsSecure, Map<String, String> otelHeaders, Duration otelTimeout, boolean stdout) {

    public static final double DEFAULT_SAMPLING_RATE = 0.0001;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public Tracing {
        if (!Double.isFinite(samplingRate) || samplingRate < 0) {
            throw new IllegalArgumentException("samplingRate must be a number of at least 0, got " + samplingRate);
        }
        zipkinEndpoint = blankToNull(zipkinEndpoint);
        otelEndpoint = blankToNull(otelEndpoint);
        otelProtocol = blankToNull(otelProtocol);
        if (otelProtocol != null && !otelProtocol.equals("grpc") && !otelProtocol.equals("http")) {
            throw new IllegalArgumentException("otel.protocol must be grpc or http, got '" + otelProtocol + "'");
        }
        String problem = zipkinEndpointProblem(zipkinEndpoint);
        if (problem != null) {
            throw new IllegalArgumentException("zipkin.endpointAddress: " + problem);
        }
        problem = otelEndpointProblem(otelEndpoint);
        if (problem != null) {
            throw new IllegalArgumentException("otel.endpointAddress: " + problem);
        }
        otelHeaders = otelHeaders == null ? Map.of() : Map.copyOf(otelHeaders);
        otelTimeout = otelTimeout == null ? DEFAULT_TIMEOUT : otelTimeout;
        if (otelTimeout.isNegative() || otelTimeout.isZero()) {
            throw new IllegalArgumentException("otel.timeout must be longer than 0, got " + otelTimeout);
        }
    }

    /** The fields Dapr's Configuration had before headers, timeout and stdout were read. */
    public Tracing(double samplingRate, String zipkinEndpoint, String otelEndpoint, String otelProtocol,
                   boolean otelIsSecure) {
        this(samplingRate, zipkinEndpoint, otelEndpoint, otelProtocol, otelIsSecure, Map.of(), DEFAULT_TIMEOUT, false);
    }

    public static Tracing defaults() {
        return new Tracing(DEFAULT_SAMPLING_RATE, null, null, null, true);
    }

    /** True when tracing is on at all: a rate above 0 (spans are sampled and context propagated). */
    public boolean enabled() {
        return samplingRate > 0;
    }

    /** True when Dapr registers an OTLP exporter: both {@code otel.endpointAddress} and {@code otel.protocol}. */
    public boolean otlp() {
        return otelEndpoint != null && otelProtocol != null;
    }

    /** True when spans would be recorded and sent somewhere: a rate above 0 and an exporter. */
    public boolean exports() {
        return samplingRate > 0 && (zipkinEndpoint != null || otlp() || stdout);
    }

    /** Why {@code url} is not a Zipkin endpoint (an absolute http/https URL with a host), or null when it is. */
    public static String zipkinEndpointProblem(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI u = new URI(url);
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
                return "expected an http or https URL such as http://localhost:9411/api/v2/spans, got '" + url + "'";
            }
            if (u.getHost() == null) {
                return "no host in '" + url + "'";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a URL: '" + url + "' (" + e.getReason() + ")";
        }
    }

    /** Why {@code endpoint} is not an OTLP endpoint ({@code host:port}, or an http/https URL), or null when it is. */
    public static String otelEndpointProblem(String endpoint) {
        if (endpoint == null) {
            return null;
        }
        if (endpoint.contains("://")) {
            return zipkinEndpointProblem(endpoint) == null ? null
                    : "expected host:port or an http or https URL, got '" + endpoint + "'";
        }
        try {
            URI u = new URI("http://" + endpoint);
            if (u.getHost() == null || u.getPort() < 0 || (u.getPath() != null && !u.getPath().isEmpty())
                    || u.getQuery() != null || u.getUserInfo() != null) {
                return "expected host:port such as otelcollector:4317, got '" + endpoint + "'";
            }
            return null;
        } catch (URISyntaxException e) {
            return "expected host:port such as otelcollector:4317, got '" + endpoint + "'";
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
