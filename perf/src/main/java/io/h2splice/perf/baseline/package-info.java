/**
 * Reference figures that are not ours: {@link io.h2splice.perf.baseline.NettyPassThroughBenchmark} measures what
 * Netty's HTTP/2 codec costs by itself to forward a DATA frame from one connection to another, with the proxy's
 * settings and the least glue, so that {@code DataSpliceBenchmark} ({@code io.h2splice.core.splice}) shows our own
 * share per frame. Its figures are recorded in {@code perf/budgets.json} as a baseline, never checked.
 *
 * <p>Depends on perf.support and on {@code io.h2splice.core.testing} (proxy-core's test jar: the frame fixtures),
 * on none of proxy-core's main classes. Runs on the JMH benchmark thread (a Netty {@code FastThreadLocalThread})
 * with {@code EmbeddedChannel}s: state per thread, no event loop.
 */
package io.h2splice.perf.baseline;
