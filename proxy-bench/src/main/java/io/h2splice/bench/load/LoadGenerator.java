package io.h2splice.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.h2splice.bench.Echo;
import io.h2splice.bench.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load generator: grpc-netty clients on ONE event-loop thread (epoll where available) with
 * {@code directExecutor()}, so every call and callback runs on that thread and the client's cost stays the same
 * across topologies. One channel (one HTTP/2 connection) per run; retries off, so no message is buffered twice.
 */
public final class LoadGenerator implements AutoCloseable {

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.group(1, "bench-client");

    /** {@code epoll} or {@code nio}. */
    public String transportLabel() {
        return transport.label();
    }

    /**
     * Connects to {@code endpoint}, checks that one echo call of the scenario's size succeeds (retrying UNAVAILABLE
     * for up to {@code readyWithinMillis} while the path comes up), then starts the load.
     *
     * @param ratePerSecond open loop at this rate when &gt; 0, else closed loop at the scenario's concurrency
     * @throws LoadException when no call succeeds
     */
    public LoadRun start(Endpoint endpoint, Scenario scenario, double ratePerSecond, long readyWithinMillis)
            throws LoadException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                .usePlaintext()
                .eventLoopGroup(group)
                .channelType(transport.socketChannel())
                .directExecutor()
                .disableRetry()
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build();
        try {
            Metadata headers = headers(endpoint.metadata());
            byte[] payload = payload(scenario.payloadBytes());
            firstCall(channel, headers, payload, readyWithinMillis);
            Stats stats = new Stats();
            EventLoop loop = group.next();
            Pacer pacer = ratePerSecond > 0 ? new Pacer(System.nanoTime(), ratePerSecond) : null;
            Driver driver = scenario.kind() == Scenario.Kind.UNARY
                    ? new UnaryDriver(channel, headers, payload, stats, loop, scenario.concurrency(), pacer)
                    : new StreamDriver(channel, headers, payload, stats, loop, scenario.concurrency(), pacer);
            LoadRun run = new LoadRun(channel, driver, stats, loop, scenario.payloadBytes());
            loop.execute(driver::start);
            return run;
        } catch (LoadException | RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    private static void firstCall(ManagedChannel channel, Metadata headers, byte[] payload, long withinMillis)
            throws LoadException {
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMillis);
        while (true) {
            try {
                Metadata md = new Metadata();
                md.merge(headers);
                byte[] answer = ClientCalls.blockingUnaryCall(
                        io.grpc.ClientInterceptors.intercept(channel,
                                io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md)),
                        Echo.UNARY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
                if (answer.length != payload.length) {
                    throw new LoadException("the echo answered " + answer.length + " bytes to " + payload.length);
                }
                return;
            } catch (StatusRuntimeException e) {
                Status s = e.getStatus();
                if (s.getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > giveUpAt) {
                    throw new LoadException("the first call failed: " + Stats.describe(s));
                }
                channel.resetConnectBackoff();
                try {
                    TimeUnit.MILLISECONDS.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new LoadException("interrupted");
                }
            }
        }
    }

    static Metadata headers(Map<String, String> metadata) {
        Metadata md = new Metadata();
        metadata.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        return md;
    }

    /** Incompressible bytes, the same on every run. */
    static byte[] payload(int size) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
