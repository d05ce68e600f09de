/**
 * Readers of the files a sidecar is configured with, each turning a file into proxy-core's records:
 * {@link io.h2splice.cli.config.ConfigurationFile} ({@code --config}, a Dapr {@code Configuration}, into a
 * {@link io.h2splice.core.config.DaprConfiguration}), {@link io.h2splice.cli.config.ResiliencyFiles}
 * ({@code --resources-path}, Dapr {@code Resiliency} resources, into
 * {@link io.h2splice.core.config.resiliency.Resiliency} records, their trip expressions checked by
 * {@link io.h2splice.core.resiliency.TripExpression}) and {@link io.h2splice.cli.config.ResolverFile}
 * ({@code --resolver-file}, into a {@link io.h2splice.core.resolve.StaticResolver}). YAML is read with Jackson's YAML
 * parser, keeping where each value is: every error is a {@link io.h2splice.cli.config.ConfigException} of one line
 * naming the file and, where there is one, the line, column and field.
 *
 * <p>Depends on proxy-core's config, config.resiliency, metrics, resiliency and resolve only, on nothing else in
 * proxy-cli. Threading: static {@code read} methods, a new reader per file; they block on file I/O (and
 * {@code ResolverFile} on DNS lookups of host names), so they run at start on the main thread and, for
 * {@code --config}, on {@code h2splice run}'s reload thread, never on an event loop.
 */
package io.h2splice.cli.config;
