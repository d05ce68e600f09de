/**
 * The soak ({@code java -jar proxy-bench.jar --soak 30m}): hours-long-style mixed load through two mTLS sidecars,
 * with their memory, descriptors, threads and gauges sampled every 10 s, to show that nothing grows with time.
 *
 * <p>Starting points: {@link io.h2splice.bench.soak.Mix} (what calls are made), {@link io.h2splice.bench.soak.CallPlan}
 * (how each must end).
 */
package io.h2splice.bench.soak;
