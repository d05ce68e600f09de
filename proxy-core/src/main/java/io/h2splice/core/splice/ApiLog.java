package io.h2splice.core.splice;

import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.routing.Route;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/** {@code --enable-api-logging}: one line per finished call. Called on the call's event loop. */
final class ApiLog {

    private static final InternalLogger log = InternalLoggerFactory.getInstance("h2splice.api");

    private ApiLog() {
    }

    /**
     * @param request the call's request HEADERS (never logged whole: they may carry tokens and binary values)
     * @param nanos   the call's duration
     */
    static void call(Http2Headers request, Route route, int grpcStatus, long nanos) {
        log.info("method={} target={} code={} duration_ms={}", request.path(), route, ProxyMetrics.STATUS_NAMES[
                Math.min(Math.max(grpcStatus, 0), ProxyMetrics.STATUS_NAMES.length - 1)], nanos / 1_000_000.0);
    }
}
