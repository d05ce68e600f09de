package io.h2splice.core.testing;

import io.grpc.Metadata;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call as the test app saw it: method, {@code :authority}, request metadata, the deadline it inherited from
 * {@code grpc-timeout}, and when (System.nanoTime) it was cancelled or completed.
 */
public final class ReceivedCall {

    public static final Metadata.Key<String> TEST_ID = Metadata.Key.of("x-test-id", Metadata.ASCII_STRING_MARSHALLER);

    private final String app;
    private final String method;
    private final String authority;
    private final Metadata headers;
    private final long receivedNanos;
    private final Long deadlineRemainingNanos;
    private final CompletableFuture<Long> cancelled = new CompletableFuture<>();
    private final CompletableFuture<Long> completed = new CompletableFuture<>();

    ReceivedCall(String app, String method, String authority, Metadata headers, long receivedNanos,
                 Long deadlineRemainingNanos) {
        this.app = app;
        this.method = method;
        this.authority = authority;
        this.headers = headers;
        this.receivedNanos = receivedNanos;
        this.deadlineRemainingNanos = deadlineRemainingNanos;
    }

    /** Name of the {@link TestApp} that received the call. */
    public String app() {
        return app;
    }

    /** The full method name, i.e. {@code :path} without its leading slash. */
    public String method() {
        return method;
    }

    public String authority() {
        return authority;
    }

    /** A copy of the request metadata as grpc-java's server exposes it. */
    public Metadata headers() {
        return headers;
    }

    public String testId() {
        return headers.get(TEST_ID);
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    /** Remaining time of the deadline when the call arrived, or null when the call carried no {@code grpc-timeout}. */
    public Long deadlineRemainingNanos() {
        return deadlineRemainingNanos;
    }

    public boolean isCancelled() {
        return cancelled.isDone();
    }

    void markCancelled() {
        cancelled.complete(System.nanoTime());
    }

    void markCompleted() {
        completed.complete(System.nanoTime());
    }

    /** Waits for the app to see this call cancelled; returns when (nanoTime), or throws AssertionError on timeout. */
    public long awaitCancelled(Duration timeout) {
        return await(cancelled, timeout, "cancelled");
    }

    /** Waits for the call to complete normally at the app (its response fully sent). */
    public long awaitCompleted(Duration timeout) {
        return await(completed, timeout, "completed");
    }

    private long await(CompletableFuture<Long> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("app '" + app + "' did not see call " + method + " " + what + " within "
                    + timeout.toMillis() + " ms (cancelled=" + cancelled.isDone() + ", completed="
                    + completed.isDone() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    @Override
    public String toString() {
        return "ReceivedCall{app=" + app + ", method=" + method + ", authority=" + authority + ", headers=" + headers
                + ", deadlineRemainingNanos=" + deadlineRemainingNanos + '}';
    }
}
