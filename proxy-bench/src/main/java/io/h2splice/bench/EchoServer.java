package io.h2splice.bench;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's app: the {@link Echo} service on grpc-netty, one event loop (epoll where available) and
 * {@code directExecutor()}, so the app adds as little as it can and its CPU stays on one thread.
 *
 * <p>Usage: {@code java -cp proxy-bench.jar io.h2splice.bench.EchoServer [--port N] [--threads N]}. Port 0 (the
 * default) picks a free port. Prints {@code echo server listening at 127.0.0.1:PORT} once it accepts calls, then runs
 * until killed; SIGTERM shuts it down. Listens on {@code $APP_CHANNEL_ADDRESS}, else 127.0.0.1.
 */
public final class EchoServer {

    /** The line printed when ready; the benchmark reads the port from it. */
    public static final String READY_PREFIX = "echo server listening at ";

    private EchoServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = 0;
        int threads = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + a);
                }
                switch (a) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown flag: " + a);
                }
            }
            if (port < 0 || port > 65_535 || threads < 1) {
                throw new IllegalArgumentException("bad --port or --threads");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("EchoServer: " + e.getMessage()
                    + "; usage: EchoServer [--port N] [--threads N]");
            System.exit(2);
            return;
        }
        String host = System.getenv().getOrDefault("APP_CHANNEL_ADDRESS", "127.0.0.1");
        Transport transport = Transport.best();
        EventLoopGroup boss = transport.group(1, "echo-boss");
        EventLoopGroup workers = transport.group(threads, "echo-loop");
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .channelType(transport.serverChannel())
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .directExecutor()
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .addService(Echo.service())
                .build()
                .start();
        System.out.println(READY_PREFIX + host + ":" + server.getPort() + " (" + transport.label() + ", "
                + threads + " event loop" + (threads == 1 ? "" : "s") + ")");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            try {
                server.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }, "echo-shutdown"));
        server.awaitTermination();
    }
}
