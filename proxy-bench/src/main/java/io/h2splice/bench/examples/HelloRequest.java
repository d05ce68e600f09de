package io.h2splice.bench.examples;

import java.util.Objects;

/**
 * {@code helloworld.HelloRequest { string name = 1; }}, as in grpc-go's {@code examples/helloworld}.
 *
 * @param name who to greet; never {@code null} (proto3's default is the empty string)
 */
public record HelloRequest(String name) {

    public HelloRequest {
        Objects.requireNonNull(name, "name");
    }
}
