/**
 * grpc-go's {@code helloworld} Greeter in Java, without protoc, to try h2splice the way Dapr's "invoke with gRPC"
 * how-to does (README.md, "Using it like {@code dapr run}"; {@code bin/demo}):
 * {@link io.h2splice.bench.examples.GreeterServer} (the app), {@link io.h2splice.bench.examples.GreeterClient} (calls
 * its sidecar with {@code dapr-app-id}) and {@link io.h2splice.bench.examples.Greeter} (the service,
 * {@code /helloworld.Greeter/SayHello}, with hand-written protobuf marshallers, wire-compatible with every language's
 * generated code).
 *
 * <p>Depends on no other h2splice package, only on grpc-java: like any app, it knows h2splice only as a sidecar.
 * Each {@code main} is a process of its own: the server serves on grpc-java's threads until it is stopped, the client
 * makes blocking calls on the main thread.
 */
package io.h2splice.bench.examples;
