package io.h2splice.core.config;

/**
 * {@code spec.tracing}.
 *
 * @param samplingRate   0 turns tracing off; 1 samples everything (above 1 too); Dapr's default 0.0001
 * @param zipkinEndpoint {@code zipkin.endpointAddress}, or null
 * @param otelEndpoint   {@code otel.endpointAddress}, or null
 * @param otelProtocol   {@code otel.protocol} ({@code grpc} or {@code http}), or null
 * @param otelIsSecure   {@code otel.isSecure}; default true
 */
public record Tracing(double samplingRate, String zipkinEndpoint, String otelEndpoint, String otelProtocol,
                      boolean otelIsSecure) {

    public static final double DEFAULT_SAMPLING_RATE = 0.0001;

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
    }

    public static Tracing defaults() {
        return new Tracing(DEFAULT_SAMPLING_RATE, null, null, null, true);
    }

    /** True when spans would be recorded and sent somewhere: a rate above 0 and an exporter endpoint. */
    public boolean exports() {
        return samplingRate > 0 && (zipkinEndpoint != null || otelEndpoint != null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
