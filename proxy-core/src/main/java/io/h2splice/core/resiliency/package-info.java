/**
 * Dapr's resiliency for calls to other apps, built from the {@code io.h2splice.core.config.resiliency} records:
 * {@link io.h2splice.core.resiliency.ResiliencyPolicies} resolves a target (the raw {@code dapr-app-id}) once to its
 * {@link io.h2splice.core.resiliency.CallPolicy}, which the call's route then carries: a per-attempt timeout, a retry
 * policy (each delay from {@link io.h2splice.core.resiliency.RetryBackoff}) and a
 * {@link io.h2splice.core.resiliency.CircuitBreaker} per method ({@link io.h2splice.core.resiliency.CircuitBreakers},
 * tripped by a parsed {@link io.h2splice.core.resiliency.TripExpression}). The run of one call under its policy is the
 * splice's ({@code PolicyRun}); {@link io.h2splice.core.resiliency.ResiliencyMetricsText} renders Dapr's
 * {@code dapr_resiliency_*} families. Design notes and the differences from Dapr: {@code docs/resiliency.md}.
 *
 * <p>Depends on config.resiliency and metrics only. Shared by every event loop: a policy is made once and is
 * immutable but for its lock-free counters and its breakers; a breaker's call path takes no lock (only its rare
 * state changes do), {@code TripExpression} is immutable and {@code RetryBackoff} stateless. Nothing here blocks or
 * reads a clock: time is passed in.
 */
package io.h2splice.core.resiliency;
