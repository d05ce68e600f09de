/**
 * Upstream connection pools: one per target address per event loop, growing at SETTINGS_MAX_CONCURRENT_STREAMS,
 * dropping connections drained by GOAWAY; outlier ejection of sidecar addresses whose connections fail.
 *
 * <p>Starting points: {@link io.h2splice.core.pool.UpstreamPool}, {@link io.h2splice.core.pool.OutlierDetector}.
 */
package io.h2splice.core.pool;
