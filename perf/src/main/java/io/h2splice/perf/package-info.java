/**
 * JMH microbenchmarks of the hot path, with their budgets in {@code perf/budgets.json}.
 *
 * <p>The benchmarks sit in the packages of the code they measure ({@code io.h2splice.core.splice},
 * {@code .headers}, {@code .outbound}, {@code .inbound}, {@code .routing}, {@code .metrics}) so they reach
 * package-private types; this package holds what they share.
 *
 * <p>Starting points: {@code perf/run} and {@code perf/README.md}; {@link io.h2splice.core.testing.H2Peer} (frame
 * fixtures), {@link io.h2splice.perf.support.OpAllocProfiler} (bytes allocated inside a timed region only),
 * {@link io.h2splice.perf.support.FramesPerMessageProfiler} and {@link io.h2splice.perf.support.FrameTally} (DATA
 * frames written per message), {@link io.h2splice.perf.support.BudgetReport} (the PASS/FAIL table).
 */
package io.h2splice.perf;
