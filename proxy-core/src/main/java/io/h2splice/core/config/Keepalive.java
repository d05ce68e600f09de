package io.h2splice.core.config;

import java.time.Duration;

/**
 * Keepalive on the API and internal listeners and on sidecar-to-sidecar connections (Dapr's grpc-go settings).
 *
 * @param pingInterval     send a PING after this long without reading anything (server and sidecar client: 10 s)
 * @param pingTimeout      close the connection when the PING is not acknowledged within this (5 s)
 * @param maxIdle          close a connection that had no open stream for this long (3 min)
 * @param minPeerPingInterval a peer PINGing more often than this gets GOAWAY ENHANCE_YOUR_CALM after two strikes (8 s)
 */
public record Keepalive(Duration pingInterval, Duration pingTimeout, Duration maxIdle, Duration minPeerPingInterval) {

    public static Keepalive defaults() {
        return new Keepalive(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(3), Duration.ofSeconds(8));
    }

    public Keepalive {
        requirePositive(pingInterval, "pingInterval");
        requirePositive(pingTimeout, "pingTimeout");
        requirePositive(maxIdle, "maxIdle");
        requirePositive(minPeerPingInterval, "minPeerPingInterval");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
