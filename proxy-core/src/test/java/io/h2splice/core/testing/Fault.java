package io.h2splice.core.testing;

import io.grpc.Status;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link TestService#FLAKY} does on one attempt of a call (see {@link Faults}). Every action acts once the
 * client half-closed, so the whole request has been recorded first.
 *
 * @param kind    the action
 * @param status  the closing status ({@link Kind#FAIL}, {@link Kind#FAIL_AFTER_HEADERS}, {@link Kind#FAIL_AFTER_MESSAGE})
 * @param delay   how long to wait before echoing ({@link Kind#DELAY})
 * @param release completes when a {@link Kind#HOLD} attempt may echo
 * @param hook    what {@link Kind#RUN} runs (such as cutting the connection), then the attempt hangs
 */
public record Fault(Kind kind, Status status, Duration delay, CompletableFuture<Void> release, Runnable hook) {

    /** The actions. */
    public enum Kind {
        /** Answer OK with the request bytes (all request messages concatenated, as one message). */
        ECHO,
        /** Trailers-only response with {@code status}. */
        FAIL,
        /** Response headers, then trailers with {@code status}, no message. */
        FAIL_AFTER_HEADERS,
        /** Response headers, the echo message, then trailers with {@code status}. */
        FAIL_AFTER_MESSAGE,
        /** Echo after {@code delay}; nothing is sent when the call is cancelled meanwhile. */
        DELAY,
        /** Echo once {@code release} completes; nothing is sent when the call is cancelled first. */
        HOLD,
        /** Never answer; the cancellation is recorded. */
        HANG,
        /** Reset the stream: grpc-java sends RST_STREAM(CANCEL) (the server call's context is cancelled as by a deadline). */
        RESET,
        /** Run {@code hook}, then never answer. */
        RUN
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.FAIL || kind == Kind.FAIL_AFTER_HEADERS || kind == Kind.FAIL_AFTER_MESSAGE)
                && (status == null || status.isOk())) {
            throw new IllegalArgumentException(kind + " needs a non-OK status, got " + status);
        }
        if (kind == Kind.DELAY && (delay == null || delay.isNegative())) {
            throw new IllegalArgumentException("DELAY needs a delay, got " + delay);
        }
        if (kind == Kind.HOLD) {
            Objects.requireNonNull(release, "release");
        }
        if (kind == Kind.RUN) {
            Objects.requireNonNull(hook, "hook");
        }
    }

    public static Fault echo() {
        return new Fault(Kind.ECHO, null, null, null, null);
    }

    public static Fault fail(Status status) {
        return new Fault(Kind.FAIL, status, null, null, null);
    }

    public static Fault failAfterHeaders(Status status) {
        return new Fault(Kind.FAIL_AFTER_HEADERS, status, null, null, null);
    }

    public static Fault failAfterMessage(Status status) {
        return new Fault(Kind.FAIL_AFTER_MESSAGE, status, null, null, null);
    }

    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, null, delay, null, null);
    }

    public static Fault hold(CompletableFuture<Void> release) {
        return new Fault(Kind.HOLD, null, null, release, null);
    }

    public static Fault hang() {
        return new Fault(Kind.HANG, null, null, null, null);
    }

    public static Fault reset() {
        return new Fault(Kind.RESET, null, null, null, null);
    }

    public static Fault run(Runnable hook) {
        return new Fault(Kind.RUN, null, null, null, hook);
    }
}
