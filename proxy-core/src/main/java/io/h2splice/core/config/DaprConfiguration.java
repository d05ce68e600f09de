package io.h2splice.core.config;

import io.h2splice.core.metrics.LatencyBuckets;

import java.util.Objects;

/**
 * A Dapr {@code Configuration} ({@code apiVersion: dapr.io/v1alpha1}) as h2splice reads it.
 *
 * @param accessControl  {@code spec.accessControl}, or null when absent (no access list: everything allowed)
 * @param tracing        {@code spec.tracing}, with Dapr's defaults when absent
 * @param mtls           {@code spec.mtls}, with Dapr's defaults when absent
 * @param nameResolution {@code spec.nameResolution}, or null when absent
 * @param metricsEnabled {@code spec.metric.enabled} (or {@code spec.metrics.enabled}); default true
 * @param latencyBuckets {@code spec.metric.latencyDistributionBuckets}; Dapr's buckets when absent
 */
public record DaprConfiguration(AccessControl accessControl, Tracing tracing, Mtls mtls,
                                NameResolution nameResolution, boolean metricsEnabled, LatencyBuckets latencyBuckets) {

    public DaprConfiguration {
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(mtls, "mtls");
        Objects.requireNonNull(latencyBuckets, "latencyBuckets");
    }

    public DaprConfiguration(AccessControl accessControl, Tracing tracing, Mtls mtls, NameResolution nameResolution,
                             boolean metricsEnabled) {
        this(accessControl, tracing, mtls, nameResolution, metricsEnabled, LatencyBuckets.DAPR);
    }

    /** What running without {@code --config} means: every section at Dapr's default. */
    public static DaprConfiguration defaults() {
        return new DaprConfiguration(null, Tracing.defaults(), Mtls.defaults(), null, true);
    }

    /** The trust domain of this sidecar's SPIFFE id: {@code spec.accessControl.trustDomain}, else {@code public}. */
    public String trustDomain() {
        return accessControl == null ? AccessControl.DEFAULT_TRUST_DOMAIN : accessControl.trustDomain();
    }
}
