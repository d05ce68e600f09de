/**
 * What the JMH benchmarks share:
 * <ul>
 *   <li>instruments: {@link io.h2splice.perf.support.OpAlloc} with {@link io.h2splice.perf.support.OpAllocProfiler}
 *       (bytes allocated in the timed region only, {@code opalloc.norm}; checked by
 *       {@link io.h2splice.perf.support.OpAllocSelfCheckBenchmark}), {@link io.h2splice.perf.support.FrameTally} and
 *       {@link io.h2splice.perf.support.FramesPerMessageProfiler} (DATA frames written per message),
 *       {@link io.h2splice.perf.support.CpuTimeProfiler} (CPU time per op, not budgeted);</li>
 *   <li>fixtures and settings: {@link io.h2splice.perf.support.RequestHeaders} (realistic gRPC request headers),
 *       {@link io.h2splice.perf.support.Jvm} (the flags every fork gets) and
 *       {@link io.h2splice.perf.support.FastThreadExecutor} (JMH's workers as Netty's
 *       {@code FastThreadLocalThread}s);</li>
 *   <li>{@link io.h2splice.perf.support.BudgetReport}: each result beside its budget in {@code perf/budgets.json},
 *       within it or not ({@code perf/run} calls it).</li>
 * </ul>
 *
 * <p>Depends on no other h2splice package. Threading: benchmark threads record (a {@code FrameTally} is confined to
 * one; the profilers' counters are atomics), and the profilers read the counters after each iteration.
 */
package io.h2splice.perf.support;
