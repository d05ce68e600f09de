package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GaugeTextTest {

    @Test
    void everyGaugeSampleButTheConstantOnes() {
        String page = """
                # HELP h2splice_connections_open Open connections, by listener or pool.
                # TYPE h2splice_connections_open gauge
                h2splice_connections_open{side="api"} 4
                h2splice_connections_open{side="upstream_sidecar"} 1
                # HELP h2splice_streams_total HTTP/2 streams proxied.
                # TYPE h2splice_streams_total counter
                h2splice_streams_total 123456
                # TYPE h2splice_streams_active gauge
                h2splice_streams_active 17
                # TYPE h2splice_memory_budget_bytes gauge
                h2splice_memory_budget_bytes 134217728
                # TYPE h2splice_memory_held_bytes gauge
                h2splice_memory_held_bytes 65536
                # TYPE h2splice_info gauge
                h2splice_info{app_id="client",namespace="",transport="epoll"} 1
                # TYPE h2splice_tls_certificate_expiry_seconds gauge
                h2splice_tls_certificate_expiry_seconds 1796657392
                # TYPE some_pool_size gauge
                some_pool_size{pool="a b"} 2.5
                # TYPE dapr_latency histogram
                dapr_latency_bucket{le="1"} 3
                """;
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("h2splice_connections_open{side=\"api\"}", 4.0);
        expected.put("h2splice_connections_open{side=\"upstream_sidecar\"}", 1.0);
        expected.put("h2splice_streams_active", 17.0);
        expected.put("h2splice_memory_held_bytes", 65_536.0);
        expected.put("some_pool_size{pool=\"a b\"}", 2.5);
        assertEquals(expected, GaugeText.gauges(page));
        assertEquals(Map.of(), GaugeText.gauges(""));
    }

    @Test
    void unitsByName() {
        assertEquals(Series.Unit.BYTES, SidecarProbe.unit("h2splice_memory_held_bytes"));
        assertEquals(Series.Unit.IN_FLIGHT, SidecarProbe.unit("h2splice_streams_active"));
        assertEquals(Series.Unit.COUNT, SidecarProbe.unit("h2splice_connections_open{side=\"api_bytes\"}"));
    }
}
