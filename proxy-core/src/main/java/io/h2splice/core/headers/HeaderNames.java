package io.h2splice.core.headers;

import io.netty.util.AsciiString;

/** Every header name the proxy reads or writes, as cached {@link AsciiString}s (Dapr's names live here and only here). */
public final class HeaderNames {
    public static final AsciiString DAPR_APP_ID = AsciiString.cached("dapr-app-id");
    public static final AsciiString DAPR_CALLEE_APP_ID = AsciiString.cached("dapr-callee-app-id");
    public static final AsciiString DAPR_CALLER_APP_ID = AsciiString.cached("dapr-caller-app-id");
    public static final AsciiString DAPR_CALLER_NAMESPACE = AsciiString.cached("dapr-caller-namespace");
    /** {@code dapr-stream: true} marks a streaming call (Dapr's {@code type="streaming"} metrics label). */
    public static final AsciiString DAPR_STREAM = AsciiString.cached("dapr-stream");
    public static final AsciiString DAPR_API_TOKEN = AsciiString.cached("dapr-api-token");
    public static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    public static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    public static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    public static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    public static final AsciiString USER_AGENT = AsciiString.cached("user-agent");
    /** W3C trace context (read, and rewritten for a sampled call). */
    public static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    public static final AsciiString TRACESTATE = AsciiString.cached("tracestate");
    /** OpenCensus binary trace context, as grpc and Dapr send it (base64 text on the wire). */
    public static final AsciiString GRPC_TRACE_BIN = AsciiString.cached("grpc-trace-bin");

    private HeaderNames() {
    }
}
