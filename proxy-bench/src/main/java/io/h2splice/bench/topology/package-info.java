/**
 * The processes a topology runs (the echo app, h2splice sidecars, peer proxies), their ports, configs, readiness and
 * stopping, every child stopped on every exit path.
 *
 * <p>Starting points: {@link io.h2splice.bench.topology.Topology}, {@link io.h2splice.bench.topology.SidecarTopology},
 * {@link io.h2splice.bench.topology.PeerTopology}, {@link io.h2splice.bench.topology.Child}.
 */
package io.h2splice.bench.topology;
