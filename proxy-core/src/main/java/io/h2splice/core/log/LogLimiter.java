package io.h2splice.core.log;

import io.netty.util.internal.logging.InternalLogger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per interval for one reason that a peer can make happen at will (a refused handshake, a
 * connection closed for abuse, a call shed): the first line of an interval is written, the others are counted and
 * the next line written says how many were left out. Metrics keep the exact counts; this keeps the log readable and
 * its writer from becoming the bottleneck under attack.
 *
 * <p>Threading: any thread; lock-free (two atomics), no allocation for a suppressed line.
 */
public final class LogLimiter {

    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();
    private static final String SUFFIX = " ({} more like this since the last line were not logged)";

    /** @param interval the shortest time between two lines; one per 10 s is the default of h2splice's reasons */
    public LogLimiter(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** One per 10 s. */
    public static LogLimiter every10Seconds() {
        return new LogLimiter(Duration.ofSeconds(10));
    }

    /** Logs {@code format} at WARN unless a line of this reason was logged within the interval. */
    public void warn(InternalLogger log, String format, Object... args) {
        if (log.isWarnEnabled() && take()) {
            long n = suppressed.getAndSet(0);
            log.warn(n == 0 ? format : format + SUFFIX, n == 0 ? args : withCount(args, n));
        }
    }

    /** As {@link #warn}, at INFO. */
    public void info(InternalLogger log, String format, Object... args) {
        if (log.isInfoEnabled() && take()) {
            long n = suppressed.getAndSet(0);
            log.info(n == 0 ? format : format + SUFFIX, n == 0 ? args : withCount(args, n));
        }
    }

    /** Lines left out since the last one written. */
    long suppressed() {
        return suppressed.get();
    }

    private boolean take() {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (next != Long.MIN_VALUE && now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet(); // within the interval, or another thread took its line
            return false;
        }
        return true;
    }

    /** {@code args} with the count added, before a trailing Throwable (which the logger prints as a stack). */
    private static Object[] withCount(Object[] args, long n) {
        boolean cause = args.length > 0 && args[args.length - 1] instanceof Throwable;
        int at = cause ? args.length - 1 : args.length;
        Object[] out = new Object[args.length + 1];
        System.arraycopy(args, 0, out, 0, at);
        out[at] = n;
        if (cause) {
            out[at + 1] = args[args.length - 1];
        }
        return out;
    }
}
