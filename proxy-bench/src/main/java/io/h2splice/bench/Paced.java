package io.h2splice.bench;

import io.grpc.stub.ServerCallStreamObserver;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Echo#REPEAT} stream the server paces: one message every {@code intervalMs}, sent from one daemon timer
 * thread shared by every such stream (so the observer is only ever called from that thread after the start), until
 * {@code count} were sent or the client went away.
 */
final class Paced implements Runnable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "echo-repeat-timer");
        t.setDaemon(true);
        return t;
    });

    private final RepeatRequest request;
    private final ServerCallStreamObserver<byte[]> out;
    private volatile boolean cancelled;  // set on the transport's thread
    private ScheduledFuture<?> task;
    private int sent;

    private Paced(RepeatRequest request, ServerCallStreamObserver<byte[]> out) {
        this.request = request;
        this.out = out;
    }

    static void start(RepeatRequest request, ServerCallStreamObserver<byte[]> out) {
        Paced p = new Paced(request, out);
        out.setOnCancelHandler(() -> p.cancelled = true);
        TIMER.execute(() -> p.task = TIMER.scheduleAtFixedRate(p, 0, request.intervalMs(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void run() {
        try {
            if (cancelled) {
                task.cancel(false);
                return;
            }
            if (sent < request.count()) {
                out.onNext(request.data());
                sent++;
            }
            if (sent == request.count()) {
                out.onCompleted();
                task.cancel(false);
            }
        } catch (RuntimeException e) {
            task.cancel(false);  // the call is gone (an exception would end the timer's task silently anyway)
        }
    }
}
