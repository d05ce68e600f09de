/**
 * The proxy's own gRPC client, for the few unary calls h2splice makes itself (OTLP span export, a certificate request
 * to Dapr's Sentry): {@link io.h2splice.core.client.UnaryGrpcClient} over Netty's HTTP/2 codec, h2c or TLS, never on
 * a proxy event loop. It never touches a relayed call.
 *
 * <p>Depends on headers and status only. Threading: each client has one daemon event loop of its own; calls may be
 * made from any thread and report on that loop.
 */
package io.h2splice.core.client;
