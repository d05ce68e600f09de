package io.h2splice.core.trace;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching, conversion to SpanData, failure accounting and the bounded close of {@link SpanExportLoop}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpanExportLoopTest {

    /** Records each batch; answers with {@code result}. */
    static final class Recording implements SpanExporter {
        final List<List<SpanData>> batches = new CopyOnWriteArrayList<>();
        volatile boolean fail;
        volatile boolean shutdown;

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            batches.add(new ArrayList<>(spans));
            return fail ? CompletableResultCode.ofFailure() : CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            shutdown = true;
            return CompletableResultCode.ofSuccess();
        }

        int spans() {
            return batches.stream().mapToInt(List::size).sum();
        }
    }

    private static CallSpan span(SpanQueue q, int i, boolean server, long parent) {
        return new CallSpan(0x1234L, i + 1, 0x1000L + i, parent, server, "/pkg.Svc/M" + i,
                new String[] {"dapr-caller-app-id", "client"}, System.nanoTime(), q);
    }

    private static void awaitSpans(Recording r, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r.spans() < n && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertEquals(n, r.spans());
    }

    @Test
    void fullBatchesGoAtOnceAndTheRestWithinTheDelay() throws Exception {
        SpanQueue q = new SpanQueue(4096);
        Recording r = new Recording();
        SpanExportLoop loop = SpanExportLoop.start(q, r, Resource.empty(), Duration.ofSeconds(5));
        try {
            for (int i = 0; i < SpanExportLoop.BATCH * 2 + 3; i++) {
                span(q, i, false, 0).end(0, null);
            }
            awaitSpans(r, SpanExportLoop.BATCH * 2 + 3);
            assertEquals(SpanExportLoop.BATCH, r.batches.get(0).size());
            assertEquals(SpanExportLoop.BATCH, r.batches.get(1).size());
            assertEquals(SpanExportLoop.BATCH * 2 + 3, q.exported());
        } finally {
            loop.close(Duration.ofSeconds(2));
        }
        assertTrue(r.shutdown);
    }

    @Test
    void spanDataCarriesTheCall() throws Exception {
        SpanQueue q = new SpanQueue(16);
        Recording r = new Recording();
        SpanExportLoop loop = SpanExportLoop.start(q, r, Resource.empty(), Duration.ofSeconds(5));
        long before = System.currentTimeMillis();
        span(q, 0, true, 0x77L).end(5, "no%20such%20thing %E2%9C%93");
        span(q, 1, false, 0).end(0, null);
        loop.close(Duration.ofSeconds(2)); // close exports what waits
        assertEquals(2, r.spans());
        SpanData s = r.batches.get(0).get(0);
        assertEquals("/pkg.Svc/M0", s.getName());
        assertEquals(SpanKind.SERVER, s.getKind());
        assertEquals("00000000000012340000000000000001", s.getTraceId());
        assertEquals("0000000000001000", s.getSpanId());
        assertEquals("0000000000000077", s.getParentSpanId());
        assertTrue(s.getParentSpanContext().isRemote());
        assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode());
        assertEquals("no such thing ✓", s.getStatus().getDescription());
        assertEquals(5L, s.getAttributes().get(CallSpanData.GRPC_STATUS_CODE));
        assertEquals("client", s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(
                "dapr-caller-app-id")));
        long startMillis = TimeUnit.NANOSECONDS.toMillis(s.getStartEpochNanos());
        assertTrue(Math.abs(startMillis - before) < 5_000, "epoch start " + startMillis + " vs " + before);
        assertTrue(s.getEndEpochNanos() >= s.getStartEpochNanos());
        SpanData ok = r.batches.get(0).get(1);
        assertEquals(SpanKind.CLIENT, ok.getKind());
        assertEquals(StatusCode.UNSET, ok.getStatus().getStatusCode());
        assertTrue(!ok.getParentSpanContext().isValid(), "a root span");
    }

    @Test
    void aFailedExportIsCountedAndItsSpansDropped() throws Exception {
        SpanQueue q = new SpanQueue(16);
        Recording r = new Recording();
        r.fail = true;
        SpanExportLoop loop = SpanExportLoop.start(q, r, Resource.empty(), Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            span(q, i, false, 0).end(0, null);
        }
        loop.close(Duration.ofSeconds(2));
        assertEquals(3, r.spans());
        assertEquals(0, q.exported());
        assertEquals(1, q.exportFailures());
        assertEquals(3, q.dropped());
    }

    @Test
    void percentDecoding() {
        assertEquals("plain", io.h2splice.core.status.TrailersOnly.percentDecode("plain"));
        assertEquals("100% done", io.h2splice.core.status.TrailersOnly.percentDecode("100%25 done"));
        assertEquals("bad %zz escape %", io.h2splice.core.status.TrailersOnly.percentDecode("bad %zz escape %"));
    }
}
