package io.h2splice.core.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Routes requests on the sidecar's HTTP port. Runs on the connection's event loop and holds no per-connection state,
 * so one instance serves every connection.
 *
 * <p>Routes, as in Dapr: {@code GET /v1.0/healthz}, {@code GET /v1.0/healthz/outbound} (both exempt from the API
 * token), {@code GET /v1.0/metadata}, {@code PUT /v1.0/metadata/<key>}. {@code HEAD} is accepted wherever
 * {@code GET} is. A known path with another method → 405 with {@code Allow}; anything else → 404. Both error bodies
 * are Dapr-style JSON.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each request after {@link #channelRead0}.
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /**
     * Extended metadata is bounded: at most this many keys (a later new key gets 400; replacing one is always
     * allowed), each at most {@link #MAX_METADATA_KEY} characters, each value at most the HTTP port's body limit
     * (64 KiB, else 413): about 4 MiB in all. {@code dapr run} and {@code h2splice run} set a handful.
     */
    static final int MAX_METADATA_ENTRIES = 64;
    static final int MAX_METADATA_KEY = 256;

    static final String HEALTHZ = "/v1.0/healthz";
    static final String HEALTHZ_OUTBOUND = "/v1.0/healthz/outbound";
    static final String METADATA = "/v1.0/metadata";
    private static final String METADATA_KEY_PREFIX = METADATA + "/";
    static final String GET_HEAD = "GET, HEAD";

    private final SidecarStatus status;

    ApiHandler(SidecarStatus status) {
        this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpMethod method = request.method();
        FullHttpResponse response;
        try {
            response = route(ctx, request, method);
        } catch (IllegalArgumentException badEncoding) {  // a bad %-escape in the path or the query
            response = malformedTarget(ctx);
        }
        Responses.send(ctx, method, response);
    }

    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method) {
        QueryStringDecoder target = new QueryStringDecoder(originForm(request.uri()));
        String path = target.rawPath();
        boolean getOrHead = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);

        if (path.equals(HEALTHZ)) {
            return getOrHead ? Healthz.healthz(ctx.alloc(), status, target.parameters()) : notAllowed(ctx, GET_HEAD);
        }
        if (path.equals(HEALTHZ_OUTBOUND)) {
            return getOrHead ? Healthz.outbound(ctx.alloc(), status) : notAllowed(ctx, GET_HEAD);
        }
        if (!ApiToken.allows(status.apiToken(), request)) {
            status.apiTokenDenied();
            // Dapr's middleware answers in plain text, before routing
            return Responses.body(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, Responses.TEXT, "invalid api token");
        }
        if (path.equals(METADATA)) {
            return getOrHead
                    ? Responses.body(ctx.alloc(), HttpResponseStatus.OK, Responses.JSON, Metadata.render(status))
                    : notAllowed(ctx, GET_HEAD);
        }
        if (path.startsWith(METADATA_KEY_PREFIX) && path.length() > METADATA_KEY_PREFIX.length()
                && path.indexOf('/', METADATA_KEY_PREFIX.length()) < 0) {
            if (!HttpMethod.PUT.equals(method)) {
                return notAllowed(ctx, "PUT");
            }
            String key = decodePathSegment(path.substring(METADATA_KEY_PREFIX.length()));
            if (key.length() > MAX_METADATA_KEY) {
                return Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "ERR_METADATA_KEY",
                        "metadata key of " + key.length() + " characters; at most " + MAX_METADATA_KEY);
            }
            Map<String, String> extended = status.extended();
            if (extended.size() >= MAX_METADATA_ENTRIES && !extended.containsKey(key)) {
                return Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "ERR_METADATA_FULL",
                        "extended metadata holds " + MAX_METADATA_ENTRIES + " keys, the most it keeps; "
                                + "replace one of them");
            }
            extended.put(key, request.content().toString(StandardCharsets.UTF_8)); // value: at most the body limit
            return Responses.empty(HttpResponseStatus.NO_CONTENT);
        }
        return Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "ERR_NOT_FOUND",
                "h2splice serves only " + HEALTHZ + ", " + HEALTHZ_OUTBOUND + " and " + METADATA
                        + " on its HTTP port; service invocation goes through the gRPC port");
    }

    /** 400 for a request target that does not decode (a bad %-escape). */
    static FullHttpResponse malformedTarget(ChannelHandlerContext ctx) {
        return Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "ERR_MALFORMED_REQUEST",
                "malformed request target");
    }

    /** 405 with the {@code Allow} header. */
    static FullHttpResponse notAllowed(ChannelHandlerContext ctx, String allow) {
        FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                "ERR_METHOD_NOT_ALLOWED", "method not allowed; allowed: " + allow);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    /** Reduces an absolute-form target ({@code http://host:port/path?q}, RFC 9112 §3.2.2) to origin form. */
    static String originForm(String uri) {
        int schemeEnd = uri.regionMatches(true, 0, "http://", 0, 7) ? 7
                : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (schemeEnd < 0) {
            return uri;
        }
        int slash = uri.indexOf('/', schemeEnd);
        int query = uri.indexOf('?', schemeEnd);
        if (slash < 0 || (query >= 0 && query < slash)) {
            return query < 0 ? "/" : "/" + uri.substring(query);
        }
        return uri.substring(slash);
    }

    /** Percent-decodes one path segment as UTF-8; unlike query decoding, {@code +} stays {@code +}. */
    static String decodePathSegment(String raw) {
        return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
