/**
 * The socket transport: {@link io.h2splice.core.listen.Transport} picks native epoll, io_uring or NIO once, at start
 * ({@code -Dh2splice.transport}; a native transport the kernel or the platform refuses falls back, and says why for
 * the start-up log), makes the event-loop groups and names the channel classes every listener and every dial uses.
 * The listeners are bound by {@link io.h2splice.core.runtime.Proxy}; their pipelines come from
 * {@link io.h2splice.core.splice.SpliceEngine} (gRPC) and {@link io.h2splice.core.http.HttpEndpoints} (HTTP/1.1).
 *
 * <p>Depends on no other h2splice package. {@code Transport} is an immutable record, picked on the thread that starts
 * the sidecar; safe on any thread.
 */
package io.h2splice.core.listen;
