package io.h2splice.core.splice;

import io.h2splice.core.metrics.CallSeries;
import io.h2splice.core.metrics.LoopMetrics;
import io.h2splice.core.routing.Route;
import io.h2splice.core.trace.TracedCall;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The one place a finished call is recorded, whether it was answered at once ({@link DownstreamHandler} refusing it)
 * or ran ({@link Call#downstreamClosed}): the stream and call counters, the per-call series with Dapr's names, the
 * span, the API log line, in that order. A static method with the call's facts as arguments, so that a refused call
 * still allocates nothing. On the call's event loop.
 */
final class CallEnd {

    private CallEnd() {
    }

    /**
     * @param request   the request headers as the client sent them (the API log reads the method and app id)
     * @param nanos     how long the call ran (0 for a call answered at once)
     * @param peer      the target's (API listener) or caller's (internal listener) series; null: not recorded
     * @param peerTimed whether {@code peer}'s latency histogram takes this call (unary calls sent to another app)
     * @param method    the method's series on the API listener; null: not recorded
     * @param trace     the call's span; null: none was started
     * @param message   the status message the span ends with
     * @param apiLog    whether this call gets an API log line when API logging is on
     */
    static void record(LoopState loop, Http2Headers request, Route route, int grpcStatus, long nanos,
                       CallSeries peer, boolean peerTimed, CallSeries method, TracedCall trace,
                       CharSequence message, boolean apiLog) {
        loop.metrics().streamClosed();
        loop.metrics().callCompleted(grpcStatus);
        LoopMetrics m = loop.callMetrics();
        if (peer != null) {
            m.ended(peer, grpcStatus, nanos, peerTimed);
        }
        if (method != null) {
            m.ended(method, grpcStatus, nanos, true);
        }
        if (trace != null) {
            trace.end(grpcStatus, message);
        }
        if (apiLog && loop.config().apiLogging()) {
            ApiLog.call(request, route, grpcStatus, nanos);
        }
    }
}
