package io.h2splice.core.status;

/**
 * Every error the proxy itself makes, with its gRPC code and message template (COMPAT.md "Routing").
 * Rendered once, by {@link TrailersOnly}.
 */
public enum ProxyError {
    MISSING_APP_ID(GrpcStatus.INVALID_ARGUMENT, "cannot proxy request: missing dapr-callee-app-id or dapr-app-id metadata"),
    INVALID_APP_ID(GrpcStatus.INVALID_ARGUMENT, "invalid app id %s"),
    EMPTY_APP_ID(GrpcStatus.INVALID_ARGUMENT, "app id is empty"),
    /** A routing key with '/', '\\', whitespace or a control character: no sidecar can have that app id. */
    UNUSABLE_APP_ID(GrpcStatus.INVALID_ARGUMENT, "invalid app id %s: it contains %s"),
    /** Longer than any app id Dapr issues (64) with a DNS-label namespace (63): refused before it is kept anywhere. */
    APP_ID_TOO_LONG(GrpcStatus.INVALID_ARGUMENT,
            "invalid app id %s...: %d characters, more than an app id (64) and a namespace (63) can have"),
    INVALID_METHOD(GrpcStatus.INVALID_ARGUMENT, "invalid method: %s"),
    /** A request no HTTP/2 server may accept (a pseudo-header missing) or no gRPC server serves (not a POST). */
    MALFORMED_REQUEST(GrpcStatus.INVALID_ARGUMENT, "malformed request: %s"),
    PERMISSION_DENIED(GrpcStatus.PERMISSION_DENIED,
            "access control policy has denied access to id: %s operation: %s verb: NONE"),
    DAPR_API_NOT_SERVED(GrpcStatus.UNIMPLEMENTED,
            "h2splice proxies service invocation only: %s is a Dapr API method; add dapr-app-id to call an app"),
    UNKNOWN_APP(GrpcStatus.UNAVAILABLE, "couldn't find service: %s"),
    WRONG_SIDECAR(GrpcStatus.UNAVAILABLE, "couldn't find service: %s (this sidecar serves %s)"),
    NO_APP(GrpcStatus.UNAVAILABLE, "app %s has no app port: its sidecar was started without --app-port"),
    UPSTREAM_CONNECT(GrpcStatus.UNAVAILABLE, "connection error: %s"),
    UPSTREAM_LOST(GrpcStatus.UNAVAILABLE, "connection to %s lost before the call completed"),
    /** The next hop's SETTINGS_MAX_HEADER_LIST_SIZE is smaller than the request's headers (grpc-go's text and code). */
    HEADERS_TOO_LARGE(GrpcStatus.INTERNAL, "header list size to send violates the maximum size (%d bytes) set by server"),
    /** The resolver could not answer: Dapr's kubernetes resolver's text (Dapr answers it with code Unknown). */
    RESOLVER_FAILED(GrpcStatus.UNAVAILABLE, "failed to resolve address for '%s': %s"),
    DEADLINE(GrpcStatus.DEADLINE_EXCEEDED, "context deadline exceeded"),
    SHUTTING_DOWN(GrpcStatus.UNAVAILABLE, "sidecar is shutting down"),
    /** {@code dapr-api-token} missing or wrong on the API port while {@code DAPR_API_TOKEN} is set (Dapr's text). */
    UNAUTHORIZED(GrpcStatus.UNAUTHENTICATED, "Unauthorized"),
    MESSAGE_TOO_LARGE(GrpcStatus.RESOURCE_EXHAUSTED, "grpc: received message larger than max (%d vs. %d)"),
    /** The target method's circuit breaker is open (gobreaker's text; Dapr answers it with code Unknown). */
    BREAKER_OPEN(GrpcStatus.UNAVAILABLE, "circuit breaker is open"),
    /** Half-open, and all of its {@code maxRequests} probes are out (gobreaker's text). */
    BREAKER_TOO_MANY(GrpcStatus.UNAVAILABLE, "too many requests");

    private final int code;
    private final String template;

    ProxyError(int code, String template) {
        this.code = code;
        this.template = template;
    }

    public int code() {
        return code;
    }

    public String message(Object... args) {
        return args.length == 0 ? template : String.format(template, args);
    }
}
