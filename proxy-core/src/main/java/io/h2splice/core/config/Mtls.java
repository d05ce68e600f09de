package io.h2splice.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code spec.mtls}.
 *
 * @param enabled          default true
 * @param workloadCertTTL  how long a workload certificate is valid; default 24 h
 * @param allowedClockSkew how far back a certificate's validity starts; default 15 min
 */
public record Mtls(boolean enabled, Duration workloadCertTTL, Duration allowedClockSkew) {

    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(15);

    public Mtls {
        Objects.requireNonNull(workloadCertTTL, "workloadCertTTL");
        Objects.requireNonNull(allowedClockSkew, "allowedClockSkew");
        if (workloadCertTTL.isNegative() || workloadCertTTL.isZero()) {
            throw new IllegalArgumentException("workloadCertTTL must be positive, got " + workloadCertTTL);
        }
        if (allowedClockSkew.isNegative()) {
            throw new IllegalArgumentException("allowedClockSkew must not be negative, got " + allowedClockSkew);
        }
    }

    public static Mtls defaults() {
        return new Mtls(true, DEFAULT_TTL, DEFAULT_CLOCK_SKEW);
    }
}
