package io.h2splice.bench.soak;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.h2splice.bench.Echo;
import io.h2splice.bench.Transport;
import io.h2splice.bench.load.Endpoint;
import io.h2splice.bench.load.LoadException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The soak's load: calls drawn from a {@link Mix} started at a fixed rate after a {@value Ramp#RAMP_SECONDS} s ramp
 * (open loop: a {@link Ramp}; at most {@value #MAX_IN_FLIGHT} in flight, later calls wait) over {@link Channels}, one
 * rotated every
 * {@value #ROTATE_EVERY_SECONDS} s. grpc-netty on ONE event-loop thread with {@code directExecutor()}, as the
 * benchmark's load generator: every call and callback runs there, so nothing here needs a lock; other threads read the
 * counts through {@link #snapshot()}.
 */
final class SoakLoad implements AutoCloseable {

    static final int MAX_IN_FLIGHT = 2_000;
    static final long ROTATE_EVERY_SECONDS = 10;

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.group(1, "soak-client");
    private final EventLoop loop = group.next();
    private final Set<SoakCall<?>> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Mix mix;
    private final double rate;
    private final Outcomes outcomes;
    private final SoakCall.Context context;
    private Channels channels;
    private Ramp pacer;
    private boolean stopped;
    private boolean tickScheduled;

    /** @param startNanos the phase's time zero, for the times in {@link Outcomes}' examples */
    SoakLoad(Mix mix, double rate, long startNanos) {
        this.mix = mix;
        this.rate = rate;
        this.outcomes = new Outcomes(startNanos);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER), "server");
        this.context = new SoakCall.Context(loop, headers, outcomes, live::remove);
    }

    /**
     * Connects, checks that one echo call gets through (retrying UNAVAILABLE for up to {@code readyWithinMillis} while
     * the path comes up), then starts the load.
     */
    void start(Endpoint endpoint, long readyWithinMillis) throws LoadException, InterruptedException {
        channels = new Channels(endpoint, group, transport);
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readyWithinMillis);
        while (true) {
            try {
                io.grpc.Channel first = io.grpc.ClientInterceptors.intercept(channels.first(),
                        io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(context.headers()));
                ClientCalls.blockingUnaryCall(first, Echo.UNARY,
                        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[16]);
                break;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > giveUpAt) {
                    throw new LoadException("the first call failed: " + e.getStatus());
                }
                channels.first().resetConnectBackoff();
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        loop.execute(() -> {
            pacer = new Ramp(System.nanoTime(), rate, Ramp.RAMP_SECONDS);
            loop.scheduleAtFixedRate(this::rotate, ROTATE_EVERY_SECONDS, ROTATE_EVERY_SECONDS, TimeUnit.SECONDS);
            tick();
        });
    }

    private void tick() {
        tickScheduled = false;
        if (stopped) {
            return;
        }
        pacer.release(System.nanoTime(), MAX_IN_FLIGHT - live.size(), intended -> launch());
        if (!tickScheduled) {
            tickScheduled = true;
            // at the cap nothing is released: look again in 100 µs rather than spin
            long delay = Math.max(pacer.nanosUntilNext(System.nanoTime()), TimeUnit.MICROSECONDS.toNanos(100));
            loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void launch() {
        SoakCall<?> call = SoakCall.of(mix.next(), context);
        live.add(call);  // before the start: a call may end inside it
        call.start(channels.next());
    }

    private void rotate() {
        if (!stopped) {
            channels.rotate();
        }
    }

    /** The counts so far, read on the loop. */
    Outcomes.Snapshot snapshot() throws InterruptedException {
        return onLoop(outcomes::snapshot);
    }

    /** Calls started and not ended, read on the loop. */
    int inFlight() throws InterruptedException {
        return onLoop(live::size);
    }

    /** Connections opened to sidecar A so far. */
    long channelsOpened() throws InterruptedException {
        return onLoop(() -> channels.opened());
    }

    /**
     * Stops starting calls, waits up to {@code waitMillis} for those in flight, then cancels the rest.
     *
     * @return how many had to be cancelled (a stall: they count as unexpected unless their plan was to be cancelled)
     */
    int stop(long waitMillis) throws InterruptedException {
        onLoop(() -> stopped = true);
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (inFlight() > 0 && System.nanoTime() < giveUpAt) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return onLoop(() -> {
            int n = live.size();
            for (SoakCall<?> c : live.toArray(new SoakCall<?>[0])) {
                c.cancel("soak: still running " + waitMillis / 1000 + " s after the load stopped");
            }
            return n;
        });
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws InterruptedException {
        try {
            return loop.submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("on the load's loop: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        if (channels != null) {
            channels.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
