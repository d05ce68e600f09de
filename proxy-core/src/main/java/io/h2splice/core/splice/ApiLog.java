package io.h2splice.core.splice;

import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.routing.Route;
import io.netty.handler.codec.http2.Http2Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * {@code --enable-api-logging}: one line per finished call, as daprd's {@code printAPILog}: message
 * {@code gRPC API Called} with the key-value pairs {@code method} (the full method), {@code useragent} (left out when
 * the request has none), {@code duration} (whole milliseconds) and {@code code} (the numeric gRPC status), plus
 * h2splice's {@code caller} (the {@code dapr-caller-app-id} the router stamped: this app on the API listener, the
 * verified peer on the internal one) and {@code target} (the app id called).
 *
 * <p>As daprd: calls on the API listener are logged at info on {@value #API_LOGGER} (the CLI keeps that logger at
 * info whatever {@code --log-level}, as daprd does, and shows it as scope {@code dapr.runtime.grpc.api-info}); daprd
 * logs nothing for its internal port, so calls arriving there from other sidecars are logged at debug only, on
 * {@value #INTERNAL_LOGGER}.
 *
 * <p>Never logs a header other than {@code :path}, {@code user-agent} and {@code dapr-caller-app-id}: tokens,
 * {@code authorization} and {@code -bin} values stay out. Client-chosen values are cut at {@value #MAX_VALUE} chars.
 *
 * <p>Threading: called on the call's event loop, only when {@code ProxyConfig.apiLogging()} is on (nothing is
 * allocated otherwise); the backend queues the line, so no console I/O happens here.
 */
final class ApiLog {

    /** The logger of calls on the API listener. proxy-cli maps this name to Dapr's scope. */
    static final String API_LOGGER = "h2splice.api";
    /** The logger of calls on the internal listener (h2splice's addition, at debug). */
    static final String INTERNAL_LOGGER = "h2splice.internal-api";
    static final String MESSAGE = "gRPC API Called";
    static final int MAX_VALUE = 256;

    private static final Logger API = LoggerFactory.getLogger(API_LOGGER);
    private static final Logger INTERNAL = LoggerFactory.getLogger(INTERNAL_LOGGER);

    private ApiLog() {
    }

    /**
     * @param request the call's request HEADERS as forwarded (after the router's rewrites); never logged whole
     * @param nanos   the call's duration
     */
    static void call(Http2Headers request, Route route, int grpcStatus, long nanos) {
        boolean fromPeer = route.fromPeer();
        if (fromPeer ? !INTERNAL.isDebugEnabled() : !API.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder line = (fromPeer ? INTERNAL.atDebug() : API.atInfo())
                .setMessage(MESSAGE)
                .addKeyValue("method", clip(request.path()));
        CharSequence agent = request.get(HeaderNames.USER_AGENT);
        if (agent != null) {
            line.addKeyValue("useragent", clip(agent));
        }
        line.addKeyValue("duration", nanos / 1_000_000)
                .addKeyValue("code", grpcStatus)
                .addKeyValue("caller", clip(request.get(HeaderNames.DAPR_CALLER_APP_ID)))
                .addKeyValue("target", route.appId())
                .log();
    }

    /** The value as a String, at most {@link #MAX_VALUE} chars; "" for none. */
    static String clip(CharSequence value) {
        if (value == null) {
            return "";
        }
        return value.length() <= MAX_VALUE ? value.toString() : value.subSequence(0, MAX_VALUE) + "...";
    }
}
