package io.h2splice.bench.soak;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.bench.Transport;
import io.h2splice.bench.load.Endpoint;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client's connections to sidecar A: {@value #OPEN} channels used in turn, and every {@code rotate()} the oldest
 * is shut down (its calls finish on it) and a new one opened, so the sidecar sees connections come and go all through
 * the soak, as it does from apps that restart. Confined to the load generator's event loop, except {@link #close}.
 */
final class Channels implements AutoCloseable {

    static final int OPEN = 4;

    private final Endpoint endpoint;
    private final EventLoopGroup group;
    private final Transport transport;
    private final List<ManagedChannel> open = new ArrayList<>();  // oldest first
    private final List<ManagedChannel> retired = new ArrayList<>();
    private long opened;
    private int next;

    Channels(Endpoint endpoint, EventLoopGroup group, Transport transport) {
        this.endpoint = endpoint;
        this.group = group;
        this.transport = transport;
        for (int i = 0; i < OPEN; i++) {
            open.add(newChannel());
        }
    }

    private ManagedChannel newChannel() {
        opened++;
        return NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                .usePlaintext()
                .eventLoopGroup(group)
                .channelType(transport.socketChannel())
                .directExecutor()
                .disableRetry()
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build();
    }

    /** The first open channel: for the check before the load starts (on any thread, while the loop has no work). */
    ManagedChannel first() {
        return open.get(0);
    }

    /** The channel for the next call: each open one in turn. */
    ManagedChannel next() {
        next = (next + 1) % open.size();
        return open.get(next);
    }

    /** Shuts the oldest channel down once its calls finish and opens a new one. */
    void rotate() {
        ManagedChannel old = open.remove(0);
        old.shutdown();
        retired.add(old);
        retired.removeIf(ManagedChannel::isTerminated);
        open.add(newChannel());
    }

    /** Channels opened so far (the first {@value #OPEN} included). */
    long opened() {
        return opened;
    }

    /** Shuts every channel down, waiting up to 5 s for their calls, then forcibly. */
    @Override
    public void close() {
        List<ManagedChannel> all = new ArrayList<>(open);
        all.addAll(retired);
        all.forEach(ManagedChannel::shutdown);
        for (ManagedChannel c : all) {
            try {
                if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                c.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
