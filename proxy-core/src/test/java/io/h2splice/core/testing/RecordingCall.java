package io.h2splice.core.testing;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A started client call under the test's control: send, half-close, cancel, and wait (always with a timeout) for
 * the next response message or for the end. Everything received is recorded for {@link CallResult}.
 */
public final class RecordingCall {

    private final String method;
    private final ClientCall<byte[], byte[]> call;
    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private final List<byte[]> messages = new ArrayList<>(); // guarded by this
    private final CompletableFuture<CallResult> done = new CompletableFuture<>();
    private volatile Metadata headers;

    RecordingCall(String method, ClientCall<byte[], byte[]> call) {
        this.method = method;
        this.call = call;
    }

    void start(Metadata requestHeaders) {
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata h) {
                headers = h;
            }

            @Override
            public void onMessage(byte[] message) {
                synchronized (RecordingCall.this) {
                    messages.add(message);
                }
                inbox.add(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                List<byte[]> all;
                synchronized (RecordingCall.this) {
                    all = List.copyOf(messages);
                }
                done.complete(new CallResult(headers, all, status, trailers));
            }
        }, requestHeaders);
        call.request(Integer.MAX_VALUE);
    }

    public RecordingCall send(byte[] message) {
        call.sendMessage(message);
        return this;
    }

    public RecordingCall halfClose() {
        call.halfClose();
        return this;
    }

    public void cancel(String why) {
        call.cancel(why, null);
    }

    public boolean isDone() {
        return done.isDone();
    }

    /** Response headers once received, else null. */
    public Metadata headers() {
        return headers;
    }

    /** The next response message; AssertionError (with the call's state) when none arrives in time. */
    public byte[] awaitMessage(Duration timeout) {
        try {
            byte[] m = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no response message on " + method + " within " + timeout.toMillis()
                        + " ms; " + state());
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The finished call; AssertionError when it is still open after {@code timeout} (a hang). */
    public CallResult await(Duration timeout) {
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("call " + method + " did not finish within " + timeout.toMillis()
                    + " ms (hang); " + state());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    public CompletableFuture<CallResult> future() {
        return done;
    }

    private String state() {
        int n;
        synchronized (this) {
            n = messages.size();
        }
        return "headers " + (headers == null ? "not received" : "received") + ", " + n + " message(s) received, "
                + (done.isDone() ? "closed with " + GrpcCalls.describe(done.join().status()) : "still open");
    }
}
