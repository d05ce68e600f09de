package io.h2splice.bench.soak;

import java.util.SplittableRandom;

/**
 * The soak's calls, drawn from a generator seeded with {@code --seed}: the same seed gives the same plans in the same
 * order. Of all calls:
 * <ul>
 *   <li>10 % are cancelled by the client: half of them unary calls 0–2 ms after the start, the rest server or bidi
 *       streams, either early as well or after some of their responses (server streams the app paces at one message
 *       every 1–10 ms, so they are still running when the cancel comes);</li>
 *   <li>10 % have a deadline of 20–500 ms that expires: a bidi stream held open after a few echoes, or a server
 *       stream of 50–100 messages the app paces at one every 20–50 ms;</li>
 *   <li>2 % are slow readers: a server stream of 20–60 messages of 1–64 KiB, read one every 10–50 ms (OK in the
 *       end);</li>
 *   <li>the other 78 % run to the end: 75 % unary, 15 % server streams of 2–64 messages, 10 % bidi streams of 2–32
 *       echoes; half carry a deadline of 30 s, which never expires.</li>
 * </ul>
 * Unary sizes run from 16 B to 1 MiB, skewed small: 60 % under 1 KiB, 30 % 1–64 KiB, 8 % 64–256 KiB,
 * 2 % 256 KiB–1 MiB, log-uniform within each band (a mean of about 27 KiB). Stream messages stay under 64 KiB,
 * 2/3 of them under 1 KiB.
 *
 * <p>Not thread-safe: one owner draws.
 */
final class Mix {

    static final double CANCEL = 0.10;
    static final double DEADLINE = 0.10;
    static final double SLOW_READER = 0.02;
    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 1 << 20;
    static final int MAX_MESSAGE = 64 << 10;
    static final long NEVER_EXPIRES_MILLIS = 30_000;

    private final SplittableRandom random;
    private long seq;

    Mix(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next call. */
    CallPlan next() {
        double fate = random.nextDouble();
        if (fate < CANCEL) {
            return cancelled();
        }
        if (fate < CANCEL + DEADLINE) {
            return expiring();
        }
        if (fate < CANCEL + DEADLINE + SLOW_READER) {
            return plan(CallPlan.Kind.SERVER_STREAM, CallPlan.Fate.SLOW_READER, between(1 << 10, MAX_MESSAGE),
                    between(20, 60), 0, 0, 0, between(10, 50), 0);
        }
        long deadline = random.nextBoolean() ? NEVER_EXPIRES_MILLIS : 0;
        double kind = random.nextDouble();
        if (kind < 0.75) {
            return plan(CallPlan.Kind.UNARY, CallPlan.Fate.NORMAL, unarySize(), 1, 0, 0, deadline, 0, 0);
        }
        if (kind < 0.90) {
            return plan(CallPlan.Kind.SERVER_STREAM, CallPlan.Fate.NORMAL, messageSize(), between(2, 64), 0, 0,
                    deadline, 0, 0);
        }
        return plan(CallPlan.Kind.BIDI, CallPlan.Fate.NORMAL, messageSize(), between(2, 32), 0, 0, deadline, 0, 0);
    }

    private CallPlan cancelled() {
        long delayMicros = random.nextLong(2_001);
        double kind = random.nextDouble();
        if (kind < 0.5) {
            return plan(CallPlan.Kind.UNARY, CallPlan.Fate.CANCEL_EARLY, unarySize(), 1, 0, delayMicros, 0, 0, 0);
        }
        CallPlan.Kind k = kind < 0.75 ? CallPlan.Kind.SERVER_STREAM : CallPlan.Kind.BIDI;
        int messages = between(4, 64);
        int paced = k == CallPlan.Kind.SERVER_STREAM ? between(1, 10) : 0;
        if (random.nextBoolean()) {
            return plan(k, CallPlan.Fate.CANCEL_EARLY, messageSize(), messages, 0, delayMicros, 0, 0, paced);
        }
        return plan(k, CallPlan.Fate.CANCEL_MID, messageSize(), messages, between(1, messages - 1), 0, 0, 0,
                paced);
    }

    private CallPlan expiring() {
        long deadline = between(20, 500);
        if (random.nextBoolean()) {
            return plan(CallPlan.Kind.BIDI, CallPlan.Fate.DEADLINE, messageSize(), between(1, 8), 0, 0, deadline, 0,
                    0);
        }
        return plan(CallPlan.Kind.SERVER_STREAM, CallPlan.Fate.DEADLINE, between(MIN_SIZE, 16 << 10),
                between(50, 100), 0, 0, deadline, 0, between(20, 50));
    }

    private CallPlan plan(CallPlan.Kind kind, CallPlan.Fate fate, int size, int messages, int cancelAfter,
                          long cancelDelayMicros, long deadlineMillis, long readIntervalMillis,
                          int serverIntervalMillis) {
        int offset = random.nextInt(Payloads.SIZE - MAX_SIZE);
        return new CallPlan(seq++, kind, fate, size, messages, cancelAfter, cancelDelayMicros, deadlineMillis,
                readIntervalMillis, serverIntervalMillis, offset);
    }

    /** 16 B ... 1 MiB in four bands, see the class comment. */
    int unarySize() {
        double band = random.nextDouble();
        if (band < 0.60) {
            return logUniform(MIN_SIZE, 1 << 10);
        }
        if (band < 0.90) {
            return logUniform(1 << 10, 64 << 10);
        }
        if (band < 0.98) {
            return logUniform(64 << 10, 256 << 10);
        }
        return logUniform(256 << 10, MAX_SIZE);
    }

    /** 16 B ... 64 KiB: 2/3 under 1 KiB. */
    int messageSize() {
        return random.nextDouble() < 2.0 / 3 ? logUniform(MIN_SIZE, 1 << 10) : logUniform(1 << 10, MAX_MESSAGE);
    }

    /** An integer in [lo, hi] whose logarithm is uniform. */
    private int logUniform(int lo, int hi) {
        double l = Math.log(lo);
        double v = Math.exp(l + random.nextDouble() * (Math.log(hi) - l));
        return (int) Math.min(hi, Math.max(lo, Math.round(v)));
    }

    /** Uniform in [lo, hi]. */
    private int between(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }
}
