/**
 * What a sidecar starts with, as immutable records that validate in their constructors and read no file and no
 * environment variable: {@link io.h2splice.core.config.ProxyConfig} (app id, namespace, ports, addresses, event
 * loops, {@link io.h2splice.core.config.ApiTokens}, with {@link io.h2splice.core.config.Limits} and
 * {@link io.h2splice.core.config.Keepalive}) and {@link io.h2splice.core.config.DaprConfiguration}, a Dapr
 * {@code Configuration} as h2splice reads it ({@link io.h2splice.core.config.AccessControl},
 * {@link io.h2splice.core.config.Tracing}, {@link io.h2splice.core.config.Mtls},
 * {@link io.h2splice.core.config.NameResolution}). proxy-cli builds them from the flags and the environment
 * ({@code io.h2splice.cli.run}) and from the files ({@code io.h2splice.cli.config}); Resiliency resources have records
 * of their own in {@code io.h2splice.core.config.resiliency}.
 *
 * <p>Depends on metrics only ({@link io.h2splice.core.metrics.LatencyBuckets}, {@code spec.metric}'s buckets).
 * Immutable; safe on any thread.
 */
package io.h2splice.core.config;
