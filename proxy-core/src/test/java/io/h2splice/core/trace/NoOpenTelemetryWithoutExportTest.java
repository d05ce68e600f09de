package io.h2splice.core.trace;

import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing that does not export (rate above 0, no endpoint) loads no OpenTelemetry or Zipkin class: h2splice's own
 * classes are defined afresh by a loader that records every class they resolve, and a traced call runs through them.
 * The control: with an exporter configured, OpenTelemetry classes are resolved.
 */
class NoOpenTelemetryWithoutExportTest {

    /** Defines io.h2splice.* itself (so their references resolve through it, recorded); the rest from the parent. */
    static final class RecordingLoader extends ClassLoader {
        final List<String> foreign = new CopyOnWriteArrayList<>();

        RecordingLoader() {
            super(NoOpenTelemetryWithoutExportTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.opentelemetry.") || name.startsWith("zipkin2.")) {
                foreign.add(name);
            }
            if (!name.startsWith("io.h2splice.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = define(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        private Class<?> define(String name) throws ClassNotFoundException {
            URL url = getParent().getResource(name.replace('.', '/') + ".class");
            if (url == null) {
                throw new ClassNotFoundException(name);
            }
            try (InputStream in = url.openStream()) {
                byte[] b = in.readAllBytes();
                return defineClass(name, b, 0, b.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    /** Starts tracing in a fresh loader, traces one sampled call, renders the metrics, closes; returns the loader. */
    private static RecordingLoader traceOneCall(String zipkinEndpoint) throws Exception {
        RecordingLoader loader = new RecordingLoader();
        Class<?> tracing = loader.loadClass("io.h2splice.core.config.Tracing");
        Object config = tracing.getConstructor(double.class, String.class, String.class, String.class, boolean.class)
                .newInstance(1.0, zipkinEndpoint, null, null, true);
        Class<?> runtimeClass = loader.loadClass("io.h2splice.core.trace.TraceRuntime");
        Object runtime = runtimeClass.getMethod("start", tracing, String.class, Map.class)
                .invoke(null, config, "client", Map.of());
        try {
            Object tracer = runtimeClass.getMethod("tracer").invoke(runtime);
            Method start = loader.loadClass("io.h2splice.core.trace.CallTracer")
                    .getMethod("start", Http2Headers.class, boolean.class);
            Http2Headers h = W3cTracerTest.request();
            start.invoke(tracer, h, false);
            assertNotNull(h.get("traceparent"), "the sampled call got a traceparent");
            assertTrue(((String) runtimeClass.getMethod("metricsText").invoke(runtime))
                    .contains("h2splice_trace_spans_started_total 1\n"));
        } finally {
            runtimeClass.getMethod("close").invoke(runtime);
        }
        assertEquals(loader, runtimeClass.getClassLoader(), "defined by the recording loader");
        return loader;
    }

    @Test
    void propagationOnlyLoadsNoOpenTelemetryClass() throws Exception {
        assertEquals(List.of(), traceOneCall(null).foreign);
    }

    @Test
    void exportingDoes() throws Exception {
        List<String> foreign = traceOneCall("http://127.0.0.1:9/api/v2/spans").foreign;
        assertFalse(foreign.isEmpty(), "the control: an exporter resolves OpenTelemetry classes");
        assertTrue(foreign.stream().anyMatch(n -> n.startsWith("io.opentelemetry.sdk.trace.")), foreign.toString());
    }
}
