package io.h2splice.cli.run;

import io.h2splice.core.config.Tracing;
import io.h2splice.core.trace.CallTracer;
import io.h2splice.core.trace.TraceRuntime;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the environment adds to spec.tracing, and what a sidecar's tracing is for each kind of configuration. */
class TracingSetupTest {

    @Test
    void serviceNameIsTheAppIdUnlessOtelServiceNameIsSet() {
        assertEquals("orders", TracingSetup.serviceName("orders", Map.of()));
        assertEquals("orders", TracingSetup.serviceName("orders", Map.of("OTEL_SERVICE_NAME", " ")));
        assertEquals("orders-svc", TracingSetup.serviceName("orders", Map.of("OTEL_SERVICE_NAME", "orders-svc")));
    }

    @Test
    void resourceAttributesAreParsedAsOpenTelemetryDoes() {
        assertEquals(Map.of(), TracingSetup.resourceAttributes(Map.of()));
        assertEquals(Map.of("deployment.environment", "prod", "team", "a b", "plus", "1+1"),
                TracingSetup.resourceAttributes(Map.of("OTEL_RESOURCE_ATTRIBUTES",
                        "deployment.environment=prod, team=a%20b,broken,=x,plus=1+1,bad=%zz")));
    }

    @Test
    void rateZeroIsOffAndNoExporterOnlyPropagates() {
        TraceRuntime off = TracingSetup.start(new Tracing(0, "http://127.0.0.1:9/api/v2/spans", null, null, true),
                "a", Map.of());
        assertSame(CallTracer.OFF, off.tracer());
        assertEquals("", off.metricsText());
        assertTrue(TracingSetup.describe(new Tracing(0, null, null, null, true), off).contains("off"));

        Tracing defaults = Tracing.defaults();
        TraceRuntime propagate = TracingSetup.start(defaults, "a", Map.of());
        assertNotSame(CallTracer.OFF, propagate.tracer());
        assertFalse(propagate.exports());
        assertTrue(propagate.metricsText().contains("# TYPE h2splice_trace_spans_started_total counter"));
        assertTrue(TracingSetup.describe(defaults, propagate).contains("no exporter"),
                TracingSetup.describe(defaults, propagate));
        propagate.close();
    }

    @Test
    void exporterSetUp() {
        Tracing t = new Tracing(1, "http://127.0.0.1:9/api/v2/spans", null, null, true);
        TraceRuntime rt = TracingSetup.start(t, "a", Map.of());
        try {
            assertTrue(rt.exports());
            assertEquals("tracing: samplingRate 1.0, exporting to zipkin http://127.0.0.1:9/api/v2/spans",
                    TracingSetup.describe(t, rt));
        } finally {
            rt.close();
        }
    }

    @Test
    void aBadEndpointIsOneLineNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tracing(1, "localhost:9411", null, null, true));
        assertEquals("zipkin.endpointAddress: expected an http or https URL such as "
                + "http://localhost:9411/api/v2/spans, got 'localhost:9411'", e.getMessage());
    }
}
