package io.h2splice.core.trace;

import io.h2splice.core.config.Tracing;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread ({@code h2splice-trace-export}) that drains the {@link SpanQueue} into the OpenTelemetry
 * {@link SpanExporter}s: a batch of up to {@link #BATCH} spans as soon as that many wait, or whatever waits once
 * {@link #MAX_DELAY} has passed since the last export. Each export is waited for at most the configured timeout; a
 * failed or late one loses its batch (counted), and meanwhile the queue fills and drops, so the event loops never
 * wait for a slow or dead collector.
 *
 * <p>This is the only class, with {@link SpanExporters} and {@link CallSpanData}, that touches OpenTelemetry: it
 * is loaded only when a sidecar exports spans.
 */
final class SpanExportLoop {

    static final int BATCH = 512;
    static final Duration MAX_DELAY = Duration.ofSeconds(1);
    private static final long TICK_MILLIS = 100;
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final InternalLogger log = InternalLoggerFactory.getInstance("h2splice.trace");

    private final SpanQueue queue;
    private final SpanExporter exporter;
    private final Resource resource;
    private final EpochClock clock = new EpochClock();
    private final long timeoutMillis;
    private final ScheduledExecutorService thread;
    // Exporter thread only:
    private final List<CallSpan> drained = new ArrayList<>(BATCH);
    private long lastExportNanos = System.nanoTime();
    private long lastFailureLogNanos;
    private boolean failedBefore;

    private SpanExportLoop(SpanQueue queue, SpanExporter exporter, Resource resource, Duration timeout) {
        this.queue = queue;
        this.exporter = exporter;
        this.resource = resource;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2splice-trace-export");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * @param serviceName         the resource's {@code service.name}
     * @param resourceAttributes  more resource attributes ({@code OTEL_RESOURCE_ATTRIBUTES}); may be empty
     * @throws IllegalArgumentException naming the {@code spec.tracing} field that is wrong
     */
    static SpanExportLoop start(SpanQueue queue, Tracing config, String serviceName,
                                Map<String, String> resourceAttributes) {
        List<SpanExporter> exporters = SpanExporters.create(config);
        AttributesBuilder attrs = Attributes.builder();
        resourceAttributes.forEach(attrs::put);
        attrs.put("service.name", serviceName);
        Resource resource = Resource.getDefault().merge(Resource.create(attrs.build()));
        return new SpanExportLoop(queue, SpanExporter.composite(exporters), resource, config.otelTimeout());
    }

    /** For tests: any exporter. */
    static SpanExportLoop start(SpanQueue queue, SpanExporter exporter, Resource resource, Duration timeout) {
        return new SpanExportLoop(queue, exporter, resource, timeout);
    }

    private void tick() {
        try {
            exportReady(false);
        } catch (RuntimeException | Error e) { // never let the periodic task die
            log.warn("tracing: the span exporter failed: {}", e.toString());
        }
    }

    /** @param all export everything now (shutdown), else only full batches or after {@link #MAX_DELAY} */
    private void exportReady(boolean all) {
        while (true) {
            int waiting = queue.size();
            if (waiting == 0) {
                lastExportNanos = System.nanoTime();
                return;
            }
            if (!all && waiting < BATCH && System.nanoTime() - lastExportNanos < MAX_DELAY.toNanos()) {
                return;
            }
            exportBatch();
        }
    }

    private void exportBatch() {
        drained.clear();
        int n = queue.drain(drained, BATCH);
        lastExportNanos = System.nanoTime();
        if (n == 0) {
            return;
        }
        List<SpanData> batch = new ArrayList<>(n);
        for (CallSpan s : drained) {
            batch.add(new CallSpanData(s, clock, resource));
        }
        drained.clear();
        boolean ok;
        String why;
        try {
            CompletableResultCode result = exporter.export(batch).join(timeoutMillis, TimeUnit.MILLISECONDS);
            ok = result.isSuccess();
            why = !result.isDone() ? "no answer within " + timeoutMillis + " ms"
                    : result.getFailureThrowable() != null ? describe(result.getFailureThrowable()) : "failed";
        } catch (RuntimeException e) {
            ok = false;
            why = describe(e);
        }
        if (ok) {
            queue.exported(n);
        } else {
            queue.exportFailed(n);
            logFailure(n, why);
        }
    }

    private static String describe(Throwable t) {
        Throwable c = t.getMessage() == null && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() != null ? c.getClass().getSimpleName() + ": " + c.getMessage()
                : c.getClass().getSimpleName();
    }

    private void logFailure(int spans, String why) {
        long now = System.nanoTime();
        if (!failedBefore || now - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS) {
            failedBefore = true;
            lastFailureLogNanos = now;
            log.warn("tracing: exporting {} spans failed ({}); spans are dropped while the exporter fails "
                    + "(h2splice_trace_spans_dropped_total)", spans, why);
        }
    }

    /**
     * Exports what is queued and shuts the exporters down, within {@code budget} in all; past it the thread is
     * interrupted and what is left is dropped (it is a daemon thread, so it never holds the process up).
     */
    void close(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            thread.execute(() -> exportReady(true));
        } catch (RejectedExecutionException e) {
            return; // closed before
        }
        thread.shutdown();
        boolean finished = false;
        try {
            finished = thread.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (finished) {
                exporter.shutdown().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                        TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            thread.shutdownNow();
            int left = queue.size();
            if (left > 0) {
                queue.droppedAtClose(left);
            }
            log.warn("tracing: the span exporter did not finish within {} ms; {} queued spans dropped",
                    budget.toMillis(), left);
        }
    }
}
