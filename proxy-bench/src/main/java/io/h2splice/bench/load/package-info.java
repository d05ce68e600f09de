/**
 * The load generator: grpc-netty on one event-loop thread, closed loop ({@code --concurrency}) or open loop
 * ({@code --rate}, corrected for coordinated omission), latencies into HdrHistogram.
 *
 * <p>Starting points: {@link io.h2splice.bench.load.LoadGenerator}, {@link io.h2splice.bench.load.Pacer} (the
 * open-loop schedule), {@link io.h2splice.bench.load.Scenario}. Everything that sends runs on the one event loop.
 */
package io.h2splice.bench.load;
