/**
 * The errors the proxy makes itself, and the only gRPC responses it writes on its own:
 * {@link io.h2splice.core.status.ProxyError} (each error with its gRPC code and message),
 * {@link io.h2splice.core.status.TrailersOnly} (a trailers-only response, or the trailers that end a response already
 * started; {@code grpc-message} percent-encoded) and {@link io.h2splice.core.status.GrpcStatus} (the codes, and the
 * status a client reports for an HTTP/2 reset code). A {@code Route} carries an error as its code and message, and
 * the splice writes it. Where these errors differ from Dapr's: README.md, "Where h2splice differs from Dapr (on
 * purpose)".
 *
 * <p>Depends on headers only. Constants, an enum and static builders: safe on any thread; each response is a new
 * headers object.
 */
package io.h2splice.core.status;
