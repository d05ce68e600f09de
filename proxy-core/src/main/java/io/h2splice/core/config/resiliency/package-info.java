/**
 * Dapr {@code Resiliency} resources as immutable records: {@link io.h2splice.core.config.resiliency.Resiliency} (one
 * resource: its named timeouts, {@link io.h2splice.core.config.resiliency.RetryPolicy} and
 * {@link io.h2splice.core.config.resiliency.CircuitBreakerPolicy} policies, and the
 * {@link io.h2splice.core.config.resiliency.AppTarget} of each app they apply to), with Dapr's defaults, and
 * {@link io.h2splice.core.config.resiliency.StatusCodes} for the {@code matching} lists. Each record validates in its
 * constructor, and a resource refuses a target that names a policy it does not define; a breaker's {@code trip} is
 * kept as written and parsed by {@link io.h2splice.core.resiliency.TripExpression}. proxy-cli reads the files
 * ({@code io.h2splice.cli.config.ResiliencyFiles}); {@link io.h2splice.core.resiliency.ResiliencyPolicies} turns the
 * records into the policies calls run under.
 *
 * <p>Depends on no other h2splice package. Immutable; safe on any thread.
 */
package io.h2splice.core.config.resiliency;
