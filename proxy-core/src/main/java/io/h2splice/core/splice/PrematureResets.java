package io.h2splice.core.splice;

/**
 * Rapid-reset detection for one client connection on the API listener, as Envoy judges it: not a flat rate of
 * RST_STREAM frames, but the share of streams that ended <em>prematurely</em> — reset by the client before any
 * response HEADERS went out and within {@link #PREMATURE_LIFETIME_NANOS} of their start, or reset by us because the
 * client broke the protocol on them (MadeYouReset, CVE-2025-8671) — among the streams the connection ended in the
 * last one to two windows.
 *
 * <p>The connection is judged once it has ended {@code minStreams} streams, or earlier when half of
 * {@code minStreams} were already premature: it is closed when at least half of the streams it ended, and at least
 * half of those it opened, in the same windows, were premature. So a client that cancels after the response started,
 * or cancels a minority of its calls before it, is never closed at any rate; a client resetting everything it opens
 * is closed after {@code minStreams / 2} streams. The share of streams opened is what tells an app that stopped
 * answering from an attack: then the only streams that end are the ones the client gives up on (its deadlines, its
 * cancels), all before a response, while the calls it keeps waiting for stay open; judged by the streams ended alone,
 * an honest client was closed with everything it had in flight (a soak with its app stopped for 25 s: 7 client
 * connections closed, "100 of the last 150 streams").
 *
 * <p>Threading: the connection's event loop. Two counters per window half, no allocation.
 */
final class PrematureResets {

    /** A stream reset later than this after it started is an ordinary cancellation (Envoy's default: 1 s). */
    static final long PREMATURE_LIFETIME_NANOS = 1_000_000_000L;

    private final int minStreams;
    private final long windowNanos;
    private long windowStart;
    private int ended;
    private int premature;
    private int opened;
    private int endedBefore;
    private int prematureBefore;
    private int openedBefore;
    private boolean tripped;
    /** Of the premature ones since the connection began, how many were resets we made (for the log line). */
    private int provokedTotal;

    PrematureResets(int minStreams, long windowNanos, long nowNanos) {
        this.minStreams = minStreams;
        this.windowNanos = windowNanos;
        this.windowStart = nowNanos;
    }

    /** The client opened a stream. */
    void onStreamOpened(long nowNanos) {
        roll(nowNanos);
        opened++;
    }

    /**
     * A stream of the connection ended.
     *
     * @param prematureReset the client reset it before a response and within {@link #PREMATURE_LIFETIME_NANOS}
     * @return true, once, when the connection must be closed
     */
    boolean onStreamEnded(boolean prematureReset, long nowNanos) {
        roll(nowNanos);
        ended++;
        if (prematureReset) {
            premature++;
        }
        return judge();
    }

    /** We reset a stream because the client broke the protocol on it: premature whatever its age. */
    boolean onResetProvoked(long nowNanos) {
        roll(nowNanos);
        premature++;
        provokedTotal++;
        return judge();
    }

    /** Streams ended and premature ones in the window, for the log line. */
    String describe() {
        int bad = premature + prematureBefore;
        return bad + " of the last " + Math.max(ended + endedBefore, bad) + " streams (since the connection opened, " + provokedTotal + " reset by us for a protocol error of the "
                + "client's)";
    }

    private void roll(long nowNanos) {
        long elapsed = nowNanos - windowStart;
        if (elapsed < windowNanos) {
            return;
        }
        boolean adjacent = elapsed < 2 * windowNanos;
        endedBefore = adjacent ? ended : 0;
        prematureBefore = adjacent ? premature : 0;
        openedBefore = adjacent ? opened : 0;
        ended = 0;
        premature = 0;
        opened = 0;
        windowStart = nowNanos;
    }

    private boolean judge() {
        if (tripped) {
            return false;
        }
        long bad = (long) premature + prematureBefore;
        long all = Math.max((long) ended + endedBefore, bad);
        if (bad * 2 >= Math.max(all, minStreams) && bad * 2 >= (long) opened + openedBefore) {
            tripped = true;
            return true;
        }
        return false;
    }
}
