/**
 * The soak ({@code java -jar proxy-bench.jar --soak 30m}): a long mixed load through two mTLS sidecars, with their
 * memory, descriptors, threads and gauges sampled every 10 s and their class histograms every minute, to show that
 * nothing they hold grows with time; a first phase runs them with Netty's PARANOID leak detection.
 *
 * <p>Starting points: {@link io.h2splice.bench.soak.Soak} (the run), {@link io.h2splice.bench.soak.Phase} (one phase),
 * {@link io.h2splice.bench.soak.Mix} (what calls are made) and {@link io.h2splice.bench.soak.CallPlan} (how each may
 * end), {@link io.h2splice.bench.soak.SidecarProbe} (what is read of a sidecar), {@link io.h2splice.bench.soak.Flatness}
 * (the verdict). The load runs on one event loop ({@link io.h2splice.bench.soak.SoakLoad}), the sampling on one thread
 * ({@link io.h2splice.bench.soak.PhaseSampler}).
 */
package io.h2splice.bench.soak;
