/**
 * The sidecar's metrics: handles made at start and passed to whoever records (nothing is looked up by name per
 * call), and their Prometheus text. {@link io.h2splice.core.metrics.ProxyMetrics} holds h2splice's own connection,
 * stream, frame, pool and memory counters and, in {@link io.h2splice.core.metrics.CallMetrics}, the per-call
 * families with Dapr's names; each event loop records calls through its own
 * {@link io.h2splice.core.metrics.LoopMetrics} into {@link io.h2splice.core.metrics.CallSeries}, at most
 * {@link io.h2splice.core.metrics.MetricsSettings#maxSeries()} label values per family.
 * {@link io.h2splice.core.metrics.PrometheusText} (with {@link io.h2splice.core.metrics.CallMetricsText}) renders them
 * for the metrics port; acl, resiliency and proxy-tls render their own families with its helpers.
 *
 * <p>Depends on no other h2splice package. Recording is lock-free, and allocation-free once a label value has been
 * seen: counters are {@code LongAdder}s any thread may add to, and a {@code LoopMetrics} is confined to its event
 * loop, which writes only its own slots and HdrHistogram recorders. Rendering may run on any thread (the metrics
 * port's event loops): it never stops the writers, is consistent per sample only, and scrapes serialise among
 * themselves.
 */
package io.h2splice.core.metrics;
