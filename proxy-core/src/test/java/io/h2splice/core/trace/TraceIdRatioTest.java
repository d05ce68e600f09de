package io.h2splice.core.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root decision agrees with OpenTelemetry's own TraceIdRatioBased sampler, trace id by trace id. */
class TraceIdRatioTest {

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.0001, 0.01, 0.25, 0.5, 0.999, 1.0})
    void sameDecisionAsOpenTelemetry(double rate) {
        Sampler otel = Sampler.traceIdRatioBased(rate);
        TraceIdRatio ours = new TraceIdRatio(rate);
        SplittableRandom random = new SplittableRandom(42);
        int sampled = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long hi = random.nextLong();
            long lo = random.nextLong();
            if (lo == Long.MAX_VALUE || lo == -Long.MAX_VALUE) {
                continue; // the one value where OTel's rate 1.0 says no
            }
            String traceId = TraceParent.hex(hi) + TraceParent.hex(lo);
            boolean expected = otel.shouldSample(Context.root(), traceId, "m", SpanKind.SERVER, Attributes.empty(),
                    List.of()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
            assertEquals(expected, ours.sampled(lo), "trace id " + traceId + " at rate " + rate);
            sampled += expected ? 1 : 0;
        }
        assertEquals(rate, (double) sampled / n, Math.max(0.01, rate * 0.1), "share sampled");
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 1.5, 100})
    void oneOrMoreSamplesEverything(double rate) {
        TraceIdRatio r = new TraceIdRatio(rate);
        assertTrue(r.sampled(Long.MAX_VALUE));
        assertTrue(r.sampled(Long.MIN_VALUE));
        assertTrue(r.sampled(0));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 12345, Long.MAX_VALUE, Long.MIN_VALUE})
    void zeroSamplesNothing(long lo) {
        assertFalse(new TraceIdRatio(0).sampled(lo));
    }
}
