package io.h2splice.tls.context;

import io.h2splice.core.metrics.PrometheusText;

import java.util.Map;

/** {@link TlsMetrics} in Prometheus text exposition format, for the sidecar's metrics page. */
public final class TlsMetricsText {

    private TlsMetricsText() {
    }

    public static String render(TlsMetrics m) {
        StringBuilder sb = new StringBuilder(512);
        PrometheusText.counter(sb, "h2splice_tls_handshakes_total", "Successful mTLS handshakes of the sidecar hop.",
                m.handshakes());
        PrometheusText.header(sb, "h2splice_tls_handshake_failures_total", "counter",
                "Failed mTLS handshakes and peer checks, by reason.");
        for (Map.Entry<String, Long> e : m.failures().entrySet()) {
            sb.append("h2splice_tls_handshake_failures_total{");
            PrometheusText.labels(sb, "reason", e.getKey());
            sb.append("} ").append(e.getValue()).append('\n');
        }
        PrometheusText.header(sb, "h2splice_tls_certificate_expiry_seconds", "gauge",
                "When the sidecar's certificate expires (Unix time).");
        sb.append("h2splice_tls_certificate_expiry_seconds ").append(m.certificateExpiryEpochSeconds()).append('\n');
        return sb.toString();
    }
}
