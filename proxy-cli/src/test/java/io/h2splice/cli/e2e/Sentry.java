package io.h2splice.cli.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Dapr's Sentry, built beside daprd by {@code proxy-bench/dapr/build.sh}, started self-hosted as a user starts it: its
 * Configuration with mTLS on, an empty credentials directory it fills with a new root and issuer, its own trust
 * domain {@code localhost} (the control-plane trust domain daprd and h2splice expect by default).
 *
 * @param port       its gRPC port
 * @param anchorsPem the root it wrote, for {@code DAPR_TRUST_ANCHORS}
 */
record Sentry(int port, String anchorsPem) {

    /** The sentry binary, or null when {@code build.sh} has not built it. */
    static Path binary() throws IOException {
        Path daprd = Daprd.binary();
        Path sentry = daprd == null ? null : daprd.resolveSibling("sentry");
        return sentry != null && Files.isExecutable(sentry) ? sentry : null;
    }

    /** Starts Sentry in {@code dir} and waits until its root is written and its port accepts connections. */
    static Sentry start(Processes processes, Path dir, Path log) throws Exception {
        return start(processes, dir, log, "24h");
    }

    /** As {@link #start(Processes, Path, Path)}, signing certificates valid {@code workloadCertTtl} (Go duration). */
    static Sentry start(Processes processes, Path dir, Path log, String workloadCertTtl) throws Exception {
        return start(processes, dir, log, workloadCertTtl, "");
    }

    /**
     * As above, with {@code mtlsYaml} added under the Configuration's {@code spec.mtls} (indented by its writer to
     * four spaces), e.g. {@code tokenValidators}: with one, Sentry's insecure validator is off.
     */
    static Sentry start(Processes processes, Path dir, Path log, String workloadCertTtl, String mtlsYaml)
            throws Exception {
        Path credentials = Files.createDirectories(dir.resolve("sentry-credentials"));
        // allowedClockSkew 1s: Sentry back-dates by it, and a short TTL under its default of 15 min would make every
        // certificate (Sentry's own too) due for renewal as soon as it is signed.
        Path config = Files.writeString(dir.resolve("sentry.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: daprsystem
                spec:
                  mtls:
                    enabled: true
                    workloadCertTTL: "%s"
                    allowedClockSkew: "1s"
                """.formatted(workloadCertTtl) + mtlsYaml);
        int port = Processes.freePort();
        Process p = processes.start(Map.of(), log, List.of(binary().toString(), "--config", config.toString(),
                "--issuer-credentials", credentials.toString(), "--trust-domain", "localhost",
                "--port", Integer.toString(port), "--healthz-port", Integer.toString(Processes.freePort()),
                "--metrics-port", Integer.toString(Processes.freePort())));
        Path root = credentials.resolve("ca.crt");
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < giveUp) {
            if (!p.isAlive()) {
                throw new AssertionError("sentry exited with " + p.exitValue() + "\n" + Processes.logs(log));
            }
            if (Files.exists(root) && accepts(port)) {
                return new Sentry(port, Files.readString(root));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sentry was not ready within 60 s\n" + Processes.logs(log));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code host:port} as daprd's and h2splice's {@code --sentry-address}. */
    String address() {
        return "localhost:" + port;
    }

    /** What daprd and h2splice need in their environment to trust Sentry and each other. */
    Map<String, String> env() {
        return Map.of("DAPR_TRUST_ANCHORS", anchorsPem);
    }
}
