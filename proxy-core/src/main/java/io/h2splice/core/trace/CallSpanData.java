package io.h2splice.core.trace;

import io.h2splice.core.status.TrailersOnly;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;

import java.util.List;

/**
 * A {@link CallSpan} as OpenTelemetry's {@link SpanData}, built on the exporter thread: hex ids, epoch times, the
 * {@code dapr-*} attributes plus {@code rpc.grpc.status_code}, and status ERROR with the (percent-decoded)
 * {@code grpc-message} for a call that did not end OK.
 */
final class CallSpanData implements SpanData {

    static final AttributeKey<Long> GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("h2splice");
    @SuppressWarnings("deprecation") // SpanData still requires it
    private static final InstrumentationLibraryInfo LIBRARY = InstrumentationLibraryInfo.create("h2splice", null);

    private final String name;
    private final SpanKind kind;
    private final SpanContext context;
    private final SpanContext parent;
    private final StatusData status;
    private final Attributes attributes;
    private final long startEpochNanos;
    private final long endEpochNanos;
    private final Resource resource;

    /** @param clock converts the span's {@code System.nanoTime()} readings to epoch nanoseconds */
    CallSpanData(CallSpan s, EpochClock clock, Resource resource) {
        String traceId = TraceParent.hex(s.traceIdHigh) + TraceParent.hex(s.traceIdLow);
        this.name = s.name;
        this.kind = s.server ? SpanKind.SERVER : SpanKind.CLIENT;
        this.context = SpanContext.create(traceId, TraceParent.hex(s.spanId), TraceFlags.getSampled(),
                TraceState.getDefault());
        this.parent = s.parentSpanId == 0 ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(traceId, TraceParent.hex(s.parentSpanId), TraceFlags.getSampled(),
                        TraceState.getDefault());
        this.status = s.grpcStatus == 0 ? StatusData.unset()
                : StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR,
                        s.grpcMessage == null ? "" : TrailersOnly.percentDecode(s.grpcMessage));
        AttributesBuilder a = Attributes.builder();
        for (int i = 0; i < s.attributes.length; i += 2) {
            a.put(s.attributes[i], s.attributes[i + 1]);
        }
        a.put(GRPC_STATUS_CODE, (long) s.grpcStatus);
        this.attributes = a.build();
        this.startEpochNanos = clock.epochNanos(s.startNanos);
        this.endEpochNanos = Math.max(startEpochNanos, clock.epochNanos(s.endNanos));
        this.resource = resource;
    }

    // === SpanData ===

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return kind;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public long getEndEpochNanos() {
        return endEpochNanos;
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return LIBRARY;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
