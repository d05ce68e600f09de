package io.h2splice.bench.load;

import io.grpc.ManagedChannel;
import io.netty.channel.EventLoop;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running load: the runner marks the measured window with {@link #beginWindow()} and {@link #endWindow()} (what
 * came before is warm-up and is dropped), then {@link #close()}s it.
 */
public final class LoadRun implements AutoCloseable {

    /** How long calls in flight when the window ends may take to finish before they are cancelled and reported. */
    static final long FINISH_WITHIN_MILLIS = 10_000;

    private final ManagedChannel channel;
    private final Driver driver;
    private final Stats stats;
    private final EventLoop loop;
    private final int payloadBytes;
    private long windowStart;
    private long errorsAtStart;
    private int unfinished;
    private boolean closed;

    LoadRun(ManagedChannel channel, Driver driver, Stats stats, EventLoop loop, int payloadBytes) {
        this.channel = channel;
        this.driver = driver;
        this.stats = stats;
        this.loop = loop;
        this.payloadBytes = payloadBytes;
    }

    /** Drops what was recorded so far (the warm-up) and starts the measured window. */
    public void beginWindow() {
        stats.interval();
        windowStart = System.nanoTime();
        errorsAtStart = stats.errors();
        stats.clearFirstError();
    }

    /** Ends the measured window and returns it. */
    public LoadResult endWindow() {
        long now = System.nanoTime();
        return new LoadResult(stats.interval(), now - windowStart, stats.errors() - errorsAtStart,
                stats.firstError(), payloadBytes);
    }

    /**
     * Stops the load and waits up to {@value #FINISH_WITHIN_MILLIS} ms for what is in flight; returns how many calls
     * or streams did not finish by then (and were cancelled): more than 0 means a stall.
     */
    public int finish() {
        if (closed) {
            return unfinished;
        }
        closed = true;
        try {
            onLoop(() -> {
                driver.stop();
                return 0;
            });
            long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINISH_WITHIN_MILLIS);
            while (onLoop(driver::inFlight) > 0 && System.nanoTime() < giveUpAt) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            unfinished = onLoop(driver::cancelAll);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.shutdownNow();
        }
        return unfinished;
    }

    private int onLoop(java.util.concurrent.Callable<Integer> task) throws InterruptedException {
        try {
            return loop.submit(task).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the load generator's event loop did not answer", e);
        }
    }

    @Override
    public void close() {
        finish();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
