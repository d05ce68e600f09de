package io.h2splice.cli.kube;

/**
 * The settings of one of the sidecar's probes, in seconds (and a failure count), as the
 * {@code dapr.io/sidecar-{liveness,readiness}-probe-*} annotations give them.
 */
record Probe(int delaySeconds, int timeoutSeconds, int periodSeconds, int failureThreshold) {

    /** Dapr 1.18's liveness defaults: 180 / 3 / 10 / 5. */
    static final Probe LIVENESS_DEFAULTS = new Probe(180, 3, 10, 5);
    /** Dapr 1.18's readiness defaults: 1 / 1 / 1 / 5. */
    static final Probe READINESS_DEFAULTS = new Probe(1, 1, 1, 5);

    Probe {
        if (delaySeconds < 0 || timeoutSeconds < 1 || periodSeconds < 1 || failureThreshold < 1) {
            throw new IllegalArgumentException("bad probe settings " + delaySeconds + "/" + timeoutSeconds + "/"
                    + periodSeconds + "/" + failureThreshold);
        }
    }
}
