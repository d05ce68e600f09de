package io.h2splice.core.testing;

import io.grpc.Metadata;
import io.grpc.Status;

import java.util.List;

/**
 * Everything a client saw of one finished call.
 *
 * @param headers  response headers, or null when the response was trailers-only (grpc-java then reports only trailers)
 * @param messages response messages in order
 * @param status   the final status
 * @param trailers the trailers (for a trailers-only response: all response metadata)
 */
public record CallResult(Metadata headers, List<byte[]> messages, Status status, Metadata trailers) {

    public boolean trailersOnly() {
        return headers == null;
    }

    /** The single response message; AssertionError with the status when the call failed or sent another count. */
    public byte[] single() {
        assertOk();
        if (messages.size() != 1) {
            throw new AssertionError("expected exactly one response message, got " + messages.size());
        }
        return messages.get(0);
    }

    public CallResult assertOk() {
        if (!status.isOk()) {
            throw new AssertionError("expected OK but got " + describe());
        }
        return this;
    }

    /** {@code CODE 'description' (cause), trailers-only|headers, N message(s), trailers {...}} for failure messages. */
    public String describe() {
        return GrpcCalls.describe(status) + ", " + (trailersOnly() ? "trailers-only" : "headers " + headers) + ", "
                + messages.size() + " message(s), trailers " + trailers;
    }
}
