package io.h2splice.bench.examples;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The helloworld Greeter server, as in Dapr's "invoke with gRPC" how-to: answers {@code SayHello} with
 * {@code "Hello " + name} and logs {@code Received: <name>} on standard output.
 *
 * <p>Usage: {@code java -cp proxy-bench.jar io.h2splice.bench.examples.GreeterServer [port]}. The port is
 * {@code args[0]}, else {@code $APP_PORT} (set by {@code h2splice run} / {@code dapr run}), else 50051. It listens on {@code $APP_CHANNEL_ADDRESS}, else
 * 127.0.0.1; port 0 picks a free port. Runs until killed; SIGTERM shuts it down gracefully.
 */
public final class GreeterServer {

    static final int DEFAULT_PORT = 50051;

    private GreeterServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> env = System.getenv();
        String host = env.getOrDefault("APP_CHANNEL_ADDRESS", "127.0.0.1");
        int port;
        try {
            port = port(args, env);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: GreeterServer [port]   (default: $APP_PORT, else " + DEFAULT_PORT + ")");
            System.exit(2);
            return;
        }
        Server server = start(host, port, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.shutdownNow();
        }, "greeter-shutdown"));
        server.awaitTermination();
    }

    /** Starts the server on {@code host:port} and logs {@code server listening at host:port} to {@code log}. */
    static Server start(String host, int port, PrintStream log) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(service(log))
                .build()
                .start();
        log.println("server listening at " + host + ":" + server.getPort());
        log.flush();
        return server;
    }

    /** The Greeter implementation: {@code Hello <name>}, logging {@code Received: <name>}. */
    static ServerServiceDefinition service(PrintStream log) {
        return Greeter.service(request -> {
            log.println("Received: " + request.name());
            log.flush();
            return new HelloReply("Hello " + request.name());
        });
    }

    static int port(String[] args, Map<String, String> env) {
        String given = args.length > 0 ? args[0] : env.get("APP_PORT");
        if (given == null || given.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(given.trim());
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + given);
        }
    }
}
