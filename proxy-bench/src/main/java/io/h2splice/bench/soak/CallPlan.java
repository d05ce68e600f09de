package io.h2splice.bench.soak;

import io.grpc.Status;

import java.util.Objects;

/**
 * One call of the soak, decided before it starts: what it is ({@link Kind}), how it is meant to end ({@link Fate}) and
 * the numbers for that. {@link Mix} draws them from a seeded generator, so a soak's sequence of plans is the same on
 * every run (their timing is not).
 *
 * @param seq           the call's number in the sequence, from 0
 * @param size          bytes per message (request and every response)
 * @param messages      responses expected: 1 for unary; for a bidi stream, the messages sent one at a time, each
 *                      after the echo of the one before (then, under {@link Fate#DEADLINE}, the stream is held open)
 * @param cancelAfter   {@link Fate#CANCEL_MID}: cancel when this many responses arrived (1 ... messages - 1)
 * @param cancelDelayMicros {@link Fate#CANCEL_EARLY}: cancel this long after the start
 * @param deadlineMillis    the call's deadline, 0 for none
 * @param readIntervalMillis a slow reader asks for the next response this long after each one; 0 reads at once
 * @param serverIntervalMillis a server stream the app paces: one response this often ({@code interval_ms}); 0 as
 *                      fast as the client reads
 * @param offset        where the call's bytes start in {@link Payloads}, so answers of equal size still differ
 */
record CallPlan(long seq, Kind kind, Fate fate, int size, int messages, int cancelAfter, long cancelDelayMicros,
                long deadlineMillis, long readIntervalMillis, int serverIntervalMillis, int offset) {

    /** The gRPC method shape. */
    enum Kind {
        UNARY("unary"), SERVER_STREAM("server stream"), BIDI("bidi stream");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** How the call is meant to end, and so which status it must end with. */
    enum Fate {
        /** Runs to the end: OK. */
        NORMAL(""),
        /** Cancelled by the client shortly after the start, before any response as far as timing allows. */
        CANCEL_EARLY(" · cancelled early"),
        /** Cancelled by the client when some of its responses arrived, before the last (the app paces its answers). */
        CANCEL_MID(" · cancelled mid-stream"),
        /** A short deadline that expires: a bidi stream held open, or a server stream the app paces too slowly. */
        DEADLINE(" · deadline expires"),
        /** A server stream read one response at a time with a pause after each: OK, slowly. */
        SLOW_READER(" · slow reader");

        final String suffix;

        Fate(String suffix) {
            this.suffix = suffix;
        }
    }

    CallPlan {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fate, "fate");
        if (size < 0 || messages < 1 || offset < 0) {
            throw new IllegalArgumentException("bad plan: size " + size + ", messages " + messages);
        }
        if (fate == Fate.CANCEL_MID && (cancelAfter < 1 || cancelAfter >= messages)) {
            throw new IllegalArgumentException("cancelAfter " + cancelAfter + " not within 1.." + (messages - 1));
        }
        if (fate == Fate.DEADLINE && deadlineMillis <= 0) {
            throw new IllegalArgumentException("a deadline plan needs a deadline");
        }
    }

    /** {@code unary}, {@code server stream · slow reader}...: the row the outcomes are counted in. */
    String label() {
        return kind.label + fate.suffix;
    }

    /**
     * Whether a call of this plan may end with {@code code}. A cancel may come too late to matter: the call ended OK
     * first (its trailers were in before the cancel, even when the client had not read every answer yet). CANCELLED
     * is expected only when the client cancelled, or after a deadline.
     *
     * @param cancelled     the client had cancelled the call
     * @param afterDeadline the status arrived once the deadline had passed: a CANCELLED then is the far end's own copy
     *                      of the deadline (the app's, or a sidecar's, fired before the client's timer ran)
     */
    boolean expects(Status.Code code, boolean cancelled, boolean afterDeadline) {
        return switch (fate) {
            case NORMAL, SLOW_READER -> code == Status.Code.OK;
            case CANCEL_EARLY, CANCEL_MID -> (code == Status.Code.CANCELLED && cancelled) || code == Status.Code.OK;
            case DEADLINE -> code == Status.Code.DEADLINE_EXCEEDED
                    || (code == Status.Code.CANCELLED && afterDeadline);
        };
    }
}
