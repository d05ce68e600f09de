package io.h2splice.tls.context;

import java.util.Map;

/** {@link TlsMetrics} in Prometheus text exposition format, for the sidecar's metrics page. */
public final class TlsMetricsText {

    private TlsMetricsText() {
    }

    public static String render(TlsMetrics m) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("# HELP h2splice_tls_handshakes_total Successful mTLS handshakes of the sidecar hop.\n")
          .append("# TYPE h2splice_tls_handshakes_total counter\n")
          .append("h2splice_tls_handshakes_total ").append(m.handshakes()).append('\n');
        sb.append("# HELP h2splice_tls_handshake_failures_total Failed mTLS handshakes and peer checks, by reason.\n")
          .append("# TYPE h2splice_tls_handshake_failures_total counter\n");
        for (Map.Entry<String, Long> e : m.failures().entrySet()) {
            sb.append("h2splice_tls_handshake_failures_total{reason=\"").append(escape(e.getKey())).append("\"} ")
              .append(e.getValue()).append('\n');
        }
        sb.append("# HELP h2splice_tls_certificate_expiry_seconds When the sidecar's certificate expires (Unix time).\n")
          .append("# TYPE h2splice_tls_certificate_expiry_seconds gauge\n")
          .append("h2splice_tls_certificate_expiry_seconds ").append(m.certificateExpiryEpochSeconds()).append('\n');
        return sb.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
