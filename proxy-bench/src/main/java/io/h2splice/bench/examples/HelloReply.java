package io.h2splice.bench.examples;

import java.util.Objects;

/**
 * {@code helloworld.HelloReply { string message = 1; }}, as in grpc-go's {@code examples/helloworld}.
 *
 * @param message the greeting; never {@code null} (proto3's default is the empty string)
 */
public record HelloReply(String message) {

    public HelloReply {
        Objects.requireNonNull(message, "message");
    }
}
