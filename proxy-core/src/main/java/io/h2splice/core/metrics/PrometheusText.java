package io.h2splice.core.metrics;

/**
 * Renders {@link ProxyMetrics} in the Prometheus text exposition format 0.0.4: each family as {@code # HELP},
 * {@code # TYPE}, then its samples, counters named with {@code _total}. Label values are escaped as the format asks
 * ({@code \\}, {@code \"}, {@code \n}); HELP text escapes {@code \\} and {@code \n}.
 *
 * <p>Families: {@code h2splice_connections_open{side}} and {@code h2splice_connections_total{side}} for every
 * {@link ProxyMetrics.Side}, {@code h2splice_streams_active}, {@code h2splice_streams_total},
 * {@code h2splice_resets_{received,sent}_total{code}} and {@code h2splice_goaways_{received,sent}_total{code}} by
 * HTTP/2 error code, {@code h2splice_data_bytes_total{direction}}, {@code h2splice_data_frames_total{direction}},
 * {@code h2splice_pool_dials_total{pool,result}},
 * {@code h2splice_pool_ejections_total{pool}} ({@code sidecar}),
 * {@code h2splice_calls_total{grpc_status}} for all 17 codes (zeros included, so rates work from the first scrape),
 * {@code h2splice_api_token_denied_total{port}} ({@code grpc}, {@code http}),
 * {@code h2splice_memory_budget_bytes}, {@code h2splice_memory_held_bytes}, {@code h2splice_memory_refused_total{what}}
 * and {@code h2splice_memory_shed_total{what}} ({@code stream}/{@code call}, {@code connection}),
 * {@code h2splice_entries{structure}} ({@link ProxyMetrics#trackEntries}),
 * {@code h2splice_direct_memory_used_bytes} and {@code h2splice_allocator_used_bytes{memory}} ({@link BufferMemory}),
 * {@code h2splice_info{app_id,namespace,transport} 1}, then the per-call families with Dapr's names
 * ({@link CallMetricsText}).
 *
 * <p>Threading: reads the adders' current sums; safe from any thread. Each family is consistent only per sample.
 */
public final class PrometheusText {

    /** The content-type of the exposition, for the HTTP response. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** The full exposition of {@code metrics}, with the info family labelled by this sidecar's identity. */
    public static String render(ProxyMetrics metrics, String appId, String namespace, String transport) {
        StringBuilder out = new StringBuilder(4096);
        ProxyMetrics.Side[] sides = ProxyMetrics.Side.values();

        header(out, "h2splice_connections_open", "gauge", "Open connections, by listener or pool.");
        for (ProxyMetrics.Side side : sides) {
            sample(out, "h2splice_connections_open", "side", side.label, metrics.connectionsOpen(side));
        }
        header(out, "h2splice_connections_total", "counter", "Connections opened, by listener or pool.");
        for (ProxyMetrics.Side side : sides) {
            sample(out, "h2splice_connections_total", "side", side.label, metrics.connectionsTotal(side));
        }
        header(out, "h2splice_streams_active", "gauge", "HTTP/2 streams being proxied now.");
        sample(out, "h2splice_streams_active", metrics.streamsActive());
        header(out, "h2splice_streams_total", "counter", "HTTP/2 streams proxied.");
        sample(out, "h2splice_streams_total", metrics.streamsTotal());
        byH2Error(out, "h2splice_resets_received_total", "RST_STREAM frames received from either side, by code.",
                metrics::resetsReceived);
        byH2Error(out, "h2splice_resets_sent_total", "RST_STREAM frames sent to either side, by code.",
                metrics::resetsSent);
        byH2Error(out, "h2splice_goaways_received_total", "GOAWAY frames received, by code.",
                metrics::goAwaysReceived);
        byH2Error(out, "h2splice_goaways_sent_total", "GOAWAY frames sent, by code.", metrics::goAwaysSent);
        header(out, "h2splice_data_bytes_total", "counter", "DATA payload bytes forwarded, by direction.");
        sample(out, "h2splice_data_bytes_total", "direction", "request", metrics.requestBytes());
        sample(out, "h2splice_data_bytes_total", "direction", "response", metrics.responseBytes());
        header(out, "h2splice_data_frames_total", "counter",
                "DATA frames received to forward, by direction (bytes / frames: how the previous hop framed them).");
        sample(out, "h2splice_data_frames_total", "direction", "request", metrics.dataFrames(true));
        sample(out, "h2splice_data_frames_total", "direction", "response", metrics.dataFrames(false));
        framesWritten(out, metrics);
        header(out, "h2splice_pool_dials_total", "counter",
                "Connections dialled by the upstream pools, by pool and result.");
        for (String pool : new String[] {"sidecar", "app"}) {
            for (String result : new String[] {"connected", "failed"}) {
                out.append("h2splice_pool_dials_total{");
                labels(out, "pool", pool, "result", result);
                out.append("} ").append(metrics.dials(pool.equals("sidecar"), result.equals("connected"))).append('\n');
            }
        }
        header(out, "h2splice_pool_ejections_total", "counter",
                "Addresses ejected from the upstream pools after a failed dial or handshake, by kind of pool.");
        sample(out, "h2splice_pool_ejections_total", "pool", "sidecar", metrics.sidecarEjections());
        header(out, "h2splice_calls_total", "counter", "Completed calls, by final gRPC status.");
        for (int code = 0; code < ProxyMetrics.STATUS_NAMES.length; code++) {
            sample(out, "h2splice_calls_total", "grpc_status", ProxyMetrics.STATUS_NAMES[code], metrics.calls(code));
        }
        header(out, "h2splice_api_token_denied_total", "counter",
                "Calls refused for a missing or wrong dapr-api-token while DAPR_API_TOKEN is set, by port.");
        for (ProxyMetrics.TokenPort port : ProxyMetrics.TokenPort.values()) {
            sample(out, "h2splice_api_token_denied_total", "port", port.label, metrics.apiTokenDeniedCount(port));
        }
        header(out, "h2splice_memory_budget_bytes", "gauge",
                "Bytes the sidecar may buffer because of what peers sent (--memory-budget).");
        sample(out, "h2splice_memory_budget_bytes", metrics.memoryBudget());
        header(out, "h2splice_memory_held_bytes", "gauge",
                "Bytes buffered now and charged to the memory budget: DATA not yet written on, unfinished header "
                        + "blocks, calls' kept headers and replays.");
        sample(out, "h2splice_memory_held_bytes", metrics.memoryHeld());
        header(out, "h2splice_memory_refused_total", "counter",
                "New streams and API connections refused while the memory budget was half full.");
        sample(out, "h2splice_memory_refused_total", "what", "stream", metrics.memoryRefusedCount(false));
        sample(out, "h2splice_memory_refused_total", "what", "connection", metrics.memoryRefusedCount(true));
        header(out, "h2splice_memory_shed_total", "counter",
                "Calls reset and client connections closed because they held the most of a memory budget three "
                        + "quarters full.");
        sample(out, "h2splice_memory_shed_total", "what", "call", metrics.memoryShedCount(false));
        sample(out, "h2splice_memory_shed_total", "what", "connection", metrics.memoryShedCount(true));
        header(out, "h2splice_entries", "gauge",
                "Entries of the structures that grow with what peers ask for (each has a bound), by structure.");
        for (java.util.Map.Entry<String, Long> e : metrics.entries().entrySet()) {
            sample(out, "h2splice_entries", "structure", e.getKey(), e.getValue());
        }
        header(out, "h2splice_direct_memory_used_bytes", "gauge",
                "Direct memory the JVM has reserved for buffers (limited by -XX:MaxDirectMemorySize).");
        sample(out, "h2splice_direct_memory_used_bytes", BufferMemory.jvmDirectUsed());
        header(out, "h2splice_allocator_used_bytes", "gauge",
                "Memory Netty's buffer allocator holds from the JVM (in use and pooled), by kind.");
        sample(out, "h2splice_allocator_used_bytes", "memory", "direct", BufferMemory.allocatorUsed(true));
        sample(out, "h2splice_allocator_used_bytes", "memory", "heap", BufferMemory.allocatorUsed(false));
        header(out, "h2splice_info", "gauge", "This sidecar's identity; always 1.");
        out.append("h2splice_info{app_id=\"");
        escapeLabelValue(out, appId);
        out.append("\",namespace=\"");
        escapeLabelValue(out, namespace);
        out.append("\",transport=\"");
        escapeLabelValue(out, transport);
        out.append("\"} 1\n");
        CallMetricsText.render(out, metrics.calls(), appId);
        return out.toString();
    }

    /** {@code k1="v1",k2="v2"} from alternating names and values; values escaped. */
    public static void labels(StringBuilder out, String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(namesAndValues[i]).append("=\"");
            escapeLabelValue(out, namesAndValues[i + 1]);
            out.append('"');
        }
    }

    /** {@code h2splice_data_frame_written_bytes{side}}: a histogram of payload bytes per DATA frame written. */
    private static void framesWritten(StringBuilder out, ProxyMetrics metrics) {
        String name = "h2splice_data_frame_written_bytes";
        header(out, name, "histogram", "Payload bytes per DATA frame written, by the connection's side (api: to "
                + "clients, internal: to calling sidecars, upstream_sidecar, upstream_app).");
        for (ProxyMetrics.Side side : ProxyMetrics.Side.values()) {
            FrameSizes f = metrics.framesWritten(side);
            long cumulative = 0;
            for (int i = 0; i <= FrameSizes.BOUNDS.length; i++) {
                cumulative += f.frames(i);
                out.append(name).append("_bucket{");
                labels(out, "side", side.label, "le", i < FrameSizes.BOUNDS.length
                        ? Long.toString(FrameSizes.BOUNDS[i]) : "+Inf");
                out.append("} ").append(cumulative).append('\n');
            }
            sample(out, name + "_sum", "side", side.label, f.bytes());
            sample(out, name + "_count", "side", side.label, cumulative);
        }
    }

    private static void byH2Error(StringBuilder out, String name, String help,
                                  java.util.function.IntToLongFunction count) {
        header(out, name, "counter", help);
        for (int code = 0; code < ProxyMetrics.H2_ERROR_NAMES.length; code++) {
            sample(out, name, "code", ProxyMetrics.H2_ERROR_NAMES[code], count.applyAsLong(code));
        }
    }

    /** The {@code # HELP} and {@code # TYPE} lines of a family; HELP text escaped. */
    public static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escapeHelp(out, help);
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A counter family of one unlabelled sample: HELP, TYPE and the value. */
    public static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        sample(out, name, value);
    }

    private static void sample(StringBuilder out, String name, long value) {
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label, String labelValue, long value) {
        out.append(name).append('{').append(label).append("=\"");
        escapeLabelValue(out, labelValue);
        out.append("\"} ").append(value).append('\n');
    }

    /** Label values: backslash, double quote and line feed are escaped; {@code null} is written as empty. */
    public static void escapeLabelValue(StringBuilder out, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** HELP text: backslash and line feed are escaped. */
    static void escapeHelp(StringBuilder out, String help) {
        for (int i = 0, n = help.length(); i < n; i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
