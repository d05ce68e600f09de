package io.h2splice.core.metrics;

import org.HdrHistogram.Histogram;

/**
 * Renders {@link CallMetrics} in the Prometheus text format 0.0.4, with Dapr's family names and labels:
 * <ul>
 *   <li>caller's side: {@code dapr_runtime_service_invocation_req_sent_total{app_id,dst_app_id,type}},
 *       {@code …_res_recv_total{app_id,src_app_id,status,type}} (status numeric, {@code src_app_id} the callee as in
 *       Dapr) and {@code …_res_recv_latency_ms{app_id,src_app_id,status}} (unary calls only);</li>
 *   <li>callee's side: {@code …_req_recv_total{app_id,src_app_id}} and {@code …_res_sent_total{app_id,dst_app_id,status}}
 *       (Dapr leaves these unrecorded for proxied calls; h2splice records them);</li>
 *   <li>API listener: {@code dapr_grpc_io_server_completed_rpcs} and {@code dapr_grpc_io_server_server_latency}
 *       {@code {app_id,grpc_server_method,grpc_server_status}} (status by name, as daprd spells it:
 *       {@code OK}, {@code Unavailable}, {@code Canceled}, …);</li>
 *   <li>h2splice's own {@code h2splice_added_latency_seconds{listener}}: request HEADERS in to HEADERS out.</li>
 * </ul>
 * Latency histograms use the configured bucket bounds in milliseconds; bucket counts come from HdrHistogram
 * (2 significant digits, so a count at a bound is exact to 1 %); sums are exact.
 */
public final class CallMetricsText {

    private static final String[] STATUS_NUMBERS = new String[CallSeries.STATUSES];
    private static final double[] ADDED_BOUNDS_SECONDS = {
        0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1
    };
    private static final String INVOCATION = "dapr_runtime_service_invocation_";

    static {
        for (int i = 0; i < STATUS_NUMBERS.length; i++) {
            STATUS_NUMBERS[i] = Integer.toString(i);
        }
    }

    private CallMetricsText() {
    }

    public static void render(StringBuilder out, CallMetrics m, String appId) {
        double[] bounds = m.settings().buckets().millis();
        String name = INVOCATION + "req_sent_total";
        PrometheusText.header(out, name, "counter", "Calls (attempts) sent to another app's sidecar.");
        for (SeriesTable t : new SeriesTable[] {m.targetsUnary, m.targetsStreaming}) {
            for (CallSeries s : t.all()) {
                sample(out, name, s.started(), "app_id", appId, "dst_app_id", s.label(), "type", type(s));
            }
        }
        name = INVOCATION + "res_recv_total";
        PrometheusText.header(out, name, "counter", "Responses received from another app's sidecar, by gRPC status.");
        for (SeriesTable t : new SeriesTable[] {m.targetsUnary, m.targetsStreaming}) {
            for (CallSeries s : t.all()) {
                for (int st = 0; st < CallSeries.STATUSES; st++) {
                    sample(out, name, s.ended(st), "app_id", appId, "src_app_id", s.label(), "status",
                            STATUS_NUMBERS[st], "type", type(s));
                }
            }
        }
        name = INVOCATION + "res_recv_latency_ms";
        PrometheusText.header(out, name, "histogram", "Latency of unary calls to another app, in milliseconds.");
        for (CallSeries s : m.targetsUnary.all()) {
            for (int st = 0; st < CallSeries.STATUSES; st++) {
                histogram(out, name, s, st, bounds, "app_id", appId, "src_app_id", s.label(), "status",
                        STATUS_NUMBERS[st]);
            }
        }
        name = INVOCATION + "req_recv_total";
        PrometheusText.header(out, name, "counter", "Calls received from another app's sidecar.");
        for (CallSeries s : m.callers.all()) {
            sample(out, name, s.started(), "app_id", appId, "src_app_id", s.label());
        }
        name = INVOCATION + "res_sent_total";
        PrometheusText.header(out, name, "counter", "Responses sent back to another app's sidecar, by gRPC status.");
        for (CallSeries s : m.callers.all()) {
            for (int st = 0; st < CallSeries.STATUSES; st++) {
                sample(out, name, s.ended(st), "app_id", appId, "dst_app_id", s.label(), "status", STATUS_NUMBERS[st]);
            }
        }
        name = "dapr_grpc_io_server_completed_rpcs";
        PrometheusText.header(out, name, "counter", "Calls completed on the gRPC API port, by method and status.");
        for (CallSeries s : m.methods.all()) {
            for (int st = 0; st < CallSeries.STATUSES; st++) {
                sample(out, name, s.ended(st), "app_id", appId, "grpc_server_method", s.label(), "grpc_server_status",
                        ProxyMetrics.DAPR_STATUS_NAMES[st]);
            }
        }
        name = "dapr_grpc_io_server_server_latency";
        PrometheusText.header(out, name, "histogram", "Latency of calls on the gRPC API port, in milliseconds.");
        for (CallSeries s : m.methods.all()) {
            for (int st = 0; st < CallSeries.STATUSES; st++) {
                histogram(out, name, s, st, bounds, "app_id", appId, "grpc_server_method", s.label(),
                        "grpc_server_status", ProxyMetrics.DAPR_STATUS_NAMES[st]);
            }
        }
        addedLatency(out, m);
    }

    private static void addedLatency(StringBuilder out, CallMetrics m) {
        String name = "h2splice_added_latency_seconds";
        PrometheusText.header(out, name, "histogram",
                "Time from a call's request HEADERS in to its HEADERS out (resolution, pool, sidecar work).");
        String[] listeners = {"api", "internal"};
        synchronized (m) {
            for (int l = 0; l < listeners.length; l++) {
                Histogram h = m.addedLatency(l);
                long total = h.getTotalCount();
                for (double b : ADDED_BOUNDS_SECONDS) {
                    bucket(out, name, java.math.BigDecimal.valueOf(b).toPlainString(), count(h, Math.round(b * 1e9)),
                            "listener", listeners[l]);
                }
                bucket(out, name, "+Inf", total, "listener", listeners[l]);
                value(out, name + "_sum", h.getMean() * total / 1e9, "listener", listeners[l]);
                value(out, name + "_count", total, "listener", listeners[l]);
            }
        }
    }

    private static void histogram(StringBuilder out, String name, CallSeries s, int status, double[] boundsMs,
                                  String... labels) {
        synchronized (s) {
            Histogram h = s.latency(status);
            if (h == null || h.getTotalCount() == 0) {
                return;
            }
            long total = h.getTotalCount();
            for (double b : boundsMs) {
                bucket(out, name, le(b), count(h, Math.round(b * 1000)), labels);
            }
            bucket(out, name, "+Inf", total, labels);
            value(out, name + "_sum", s.latencyMicros(status) / 1000.0, labels);
            value(out, name + "_count", total, labels);
        }
    }

    /** Values at most {@code bound} (in the histogram's unit). */
    private static long count(Histogram h, long bound) {
        return bound <= 0 ? 0 : h.getCountBetweenValues(0, bound);
    }

    private static String type(CallSeries s) {
        return s.streaming() ? "streaming" : "unary";
    }

    /** A bound as Go's Prometheus client writes it: {@code 1}, {@code 2.5}, {@code 100000}. */
    static String le(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
    }

    /** Zero counters are left out: Dapr's exporter shows a label set only once it was recorded. */
    private static void sample(StringBuilder out, String name, long value, String... labels) {
        if (value != 0) {
            value(out, name, value, labels);
        }
    }

    private static void bucket(StringBuilder out, String name, String le, long value, String... labels) {
        out.append(name).append("_bucket{");
        PrometheusText.labels(out, labels);
        out.append(",le=\"").append(le).append("\"} ").append(value).append('\n');
    }

    private static void value(StringBuilder out, String name, double value, String... labels) {
        out.append(name).append('{');
        PrometheusText.labels(out, labels);
        out.append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }
}
