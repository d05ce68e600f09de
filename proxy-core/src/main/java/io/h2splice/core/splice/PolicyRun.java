package io.h2splice.core.splice;

import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.headers.GrpcTimeout;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.CircuitBreaker;
import io.h2splice.core.resiliency.RetryBackoff;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.core.status.ProxyError;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One call's run under its target's resiliency policy (Dapr's order: the retry loop wraps the circuit breaker, which
 * wraps the per-attempt timeout). Made only for calls whose target has a policy: a call without one allocates
 * nothing here. It keeps the attempt's breaker token and its one timer (the attempt's timeout, or the back-off before
 * the next attempt: never both), and decides whether an ended attempt is retried. The {@link Call} and its {@link Attempt}s do the I/O.
 *
 * <p>With {@code dapr-stream} set, the policy covers opening the stream only: once the upstream stream is open the
 * attempt counts as a success and the policy is over ({@link #opened()}).
 *
 * <p>Threading: confined to the call's event loop; its timers run there too.
 */
final class PolicyRun implements Runnable {

    private static final InternalLogger log = InternalLoggerFactory.getInstance(PolicyRun.class);
    private static final long NO_TOKEN = Long.MIN_VALUE;

    private final CallPolicy policy;
    private final Call call;
    private final EventLoop loop;
    private final boolean openOnly;
    private final long startNanos;
    private CircuitBreaker breaker;
    private long token = NO_TOKEN;
    private ScheduledFuture<?> timer;
    private boolean backingOff;
    private int retries;
    /** The policy no longer applies: the stream opened ({@code dapr-stream}), or the call ended. */
    private boolean over;
    private long attemptDeadline = GrpcTimeout.NONE;

    PolicyRun(CallPolicy policy, Call call, EventLoop loop, boolean openOnly, long startNanos) {
        this.policy = policy;
        this.call = call;
        this.loop = loop;
        this.openOnly = openOnly;
        this.startNanos = startNanos;
        if (policy.timeoutNanos() > 0) {
            policy.executed(CallPolicy.Kind.TIMEOUT);
        }
        if (policy.retry() != null) {
            policy.executed(CallPolicy.Kind.RETRY);
        }
        if (policy.breakers() != null) {
            policy.executed(CallPolicy.Kind.CIRCUIT_BREAKER);
        }
    }

    /** The request bytes the call must keep to be replayed for a retry; 0 without a retry policy. */
    int retryBuffer() {
        return policy.retry() == null ? 0 : policy.maxRetryBuffer();
    }

    /**
     * Starts an attempt: asks the method's breaker, then arms the timeout (never beyond {@code clientDeadline}).
     *
     * @return null when the attempt may go ahead, else the error to fail the call with (never retried)
     */
    ProxyError beginAttempt(CharSequence method, long clientDeadline) {
        long now = System.nanoTime();
        if (policy.breakers() != null) {
            breaker = policy.breaker(method == null ? "" : method, now);
            long t = breaker.tryAcquire(now);
            if (t < 0) {
                over = true;
                return t == CircuitBreaker.REJECTED_OPEN ? ProxyError.BREAKER_OPEN : ProxyError.BREAKER_TOO_MANY;
            }
            token = t;
        }
        long timeout = policy.timeoutNanos();
        if (timeout > 0) {
            long delay = clientDeadline == GrpcTimeout.NONE ? timeout : Math.min(timeout, clientDeadline - now);
            attemptDeadline = now + delay;
            backingOff = false;
            timer = loop.schedule(this, Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
        return null;
    }

    /** The deadline the attempt's upstream stream should carry ({@code grpc-timeout}), or {@link GrpcTimeout#NONE}. */
    long upstreamDeadline(long clientDeadline) {
        if (openOnly || attemptDeadline == GrpcTimeout.NONE) {
            return clientDeadline;
        }
        return clientDeadline == GrpcTimeout.NONE ? attemptDeadline : Math.min(clientDeadline, attemptDeadline);
    }

    /** The upstream stream opened; for a {@code dapr-stream} call that is the end of the policy's part. */
    void opened() {
        if (openOnly && !over) {
            endAttempt(GrpcStatus.OK);
            over = true;
        }
    }

    /** Whether response HEADERS must be held back: the call may still be retried. */
    boolean mayRetry(RequestLog requestLog) {
        return !over && policy.retry() != null && requestLog.isReplayable()
                && requestLog.replayBytes() <= policy.maxRetryBuffer();
    }

    /** Ends the current attempt with {@code grpcStatus}: reports it to the breaker and disarms the timeout. */
    void endAttempt(int grpcStatus) {
        cancelTimer();
        attemptDeadline = GrpcTimeout.NONE;
        if (token != NO_TOKEN) {
            long now = System.nanoTime();
            if (grpcStatus == GrpcStatus.OK) {
                breaker.onSuccess(now, token);
            } else {
                breaker.onFailure(now, token);
            }
            token = NO_TOKEN;
        }
    }

    /**
     * The attempt ended with {@code grpcStatus} before any response reached the client. Ends it, and schedules the
     * next attempt when the policy retries that code, the request can be replayed and the client's deadline leaves
     * time for the back-off.
     *
     * @return true when a retry was scheduled ({@link Call#retryNow()} runs after the back-off)
     */
    boolean retryAfter(int grpcStatus, RequestLog requestLog, long clientDeadline, Object target) {
        endAttempt(grpcStatus);
        RetryPolicy retry = policy.retry();
        if (over || retry == null || !retry.retries(grpcStatus)) {
            return false;
        }
        if (!requestLog.isReplayable() || requestLog.replayBytes() > policy.maxRetryBuffer()) {
            if (log.isDebugEnabled()) {
                log.debug("call to {} not retried after status {}: its request outgrew the retry buffer "
                        + "(--max-retry-buffer {} bytes)", target, grpcStatus, policy.maxRetryBuffer());
            }
            return false;
        }
        long now = System.nanoTime();
        long delay = RetryBackoff.delayNanos(retry, retries + 1, now - startNanos);
        if (delay == RetryBackoff.STOP) {
            log.debug("call to {} not retried after status {}: {} retries made", target, grpcStatus, retries);
            return false;
        }
        if (clientDeadline != GrpcTimeout.NONE && now + delay >= clientDeadline) {
            log.debug("call to {} not retried after status {}: the client's deadline comes first", target, grpcStatus);
            return false;
        }
        retries++;
        policy.activated(CallPolicy.Kind.RETRY);
        if (log.isDebugEnabled()) {
            log.debug("call to {} ended with status {}: retry {} in {} ms", target, grpcStatus, retries,
                    TimeUnit.NANOSECONDS.toMillis(delay));
        }
        backingOff = true;
        timer = loop.schedule(this, delay, TimeUnit.NANOSECONDS);
        return true;
    }

    /** The call is over, whatever its state: nothing of the policy may run any more. */
    void finish(int grpcStatus) {
        endAttempt(grpcStatus);
        over = true;
    }

    int retries() {
        return retries;
    }

    /** The timer: the attempt's timeout fired, or the back-off before a retry has passed. */
    @Override
    public void run() {
        timer = null;
        if (backingOff) {
            backingOff = false;
            call.retryNow();
        } else {
            policy.activated(CallPolicy.Kind.TIMEOUT);
            call.attemptTimedOut();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        backingOff = false;
    }
}
