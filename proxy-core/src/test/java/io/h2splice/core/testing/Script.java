package io.h2splice.core.testing;

import io.grpc.Metadata;
import io.grpc.Status;

import java.util.Objects;

/**
 * What {@link TestService#SCRIPTED} does for one key: optionally send response headers, optionally one message,
 * then close with a status and trailers. With neither headers nor a message, grpc-java sends a trailers-only response.
 *
 * @param headers  response headers to send first, or null
 * @param message  one response message, or null
 * @param status   the closing status
 * @param trailers trailers sent with the status
 */
public record Script(Metadata headers, byte[] message, Status status, Metadata trailers) {

    public Script {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trailers, "trailers");
    }

    /** Trailers-only error: no headers, no message. */
    public static Script fail(Status status, Metadata trailers) {
        return new Script(null, null, status, trailers);
    }
}
