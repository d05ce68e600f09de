/**
 * {@code java -jar proxy-bench.jar}: the end-to-end benchmark of h2splice on loopback, and its echo app.
 *
 * <p>Starting points: {@link io.h2splice.bench.Main} (flags in {@link io.h2splice.bench.Options}),
 * {@link io.h2splice.bench.Runner} (the order of a run), {@link io.h2splice.bench.EchoServer} and
 * {@link io.h2splice.bench.Echo} (the app and its {@code .proto}). Nothing here depends on h2splice's internals: the
 * sidecars are started as {@code h2splice run} processes.
 */
package io.h2splice.bench;
