/**
 * The request headers the proxy reads and rewrites, without allocating where it can:
 * {@link io.h2splice.core.headers.HeaderNames} (the Dapr and gRPC header names, as cached {@code AsciiString}s),
 * {@link io.h2splice.core.headers.HopHeaders} (the rewrites for the next hop: to another sidecar, to the app, the
 * app's API token, the verified caller), {@link io.h2splice.core.headers.GrpcTimeout} ({@code grpc-timeout}, parsed
 * without allocating, and formatted) and {@link io.h2splice.core.headers.Truthy} (flags such as {@code dapr-stream}).
 * Each listener's router applies its hop's rewrites in one call ({@link io.h2splice.core.outbound.OutboundRouter},
 * {@link io.h2splice.core.inbound.InboundRouter}); {@code grpc-timeout} is set by each attempt of the splice's
 * {@code Call}, and the trace context by the tracer. What they mean for a user, and where they differ from Dapr: README.md,
 * "API tokens" and "Where h2splice differs from Dapr (on purpose)".
 *
 * <p>Depends on no other h2splice package. Constants and static methods, safe on any thread; {@code HopHeaders}
 * mutates the headers it is given in place, on the event loop of the call they belong to.
 */
package io.h2splice.core.headers;
