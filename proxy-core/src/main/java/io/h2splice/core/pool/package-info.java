/**
 * Upstream connection pools: one per target address per event loop, growing at SETTINGS_MAX_CONCURRENT_STREAMS,
 * dropping connections drained by GOAWAY.
 *
 * <p>Starting point: {@link io.h2splice.core.pool.UpstreamPool}.
 */
package io.h2splice.core.pool;
