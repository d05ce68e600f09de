package io.h2splice.bench.topology;

/**
 * One way of reaching the echo app: {@code direct}, through h2splice sidecars, through peer proxies, or a
 * {@code --target}. {@link #start} brings up its processes and returns them running; the runner closes them after the
 * last scenario.
 */
public interface Topology {

    /** What the report calls it: {@code direct}, {@code 1hop}, {@code 2hop}, {@code nginx}... */
    String name();

    /** One line for the report: what the calls go through. */
    String describe();

    /** Proxies between the client and the app, to share the latency added over direct between them. */
    int hops();

    /**
     * Starts the topology's processes and waits until they are ready.
     *
     * @throws Skipped when this machine or build cannot run it (a peer not installed, mTLS not built)
     * @throws TopologyException when a process does not start; the message is one line naming what failed
     */
    Setup start(TopologyContext context) throws Skipped, TopologyException;

    /** This topology cannot run here, for a reason that is not a failure. */
    final class Skipped extends Exception {
        private final String detail;

        public Skipped(String reason, String detail) {
            super(reason);
            this.detail = detail;
        }

        /** What showed it (a process's last line), or {@code null}. */
        public String detail() {
            return detail;
        }
    }

    /** A process of this topology did not start or did not become ready. */
    final class TopologyException extends Exception {
        public TopologyException(String message) {
            super(message);
        }
    }
}
